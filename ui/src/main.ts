// Entry point: adopts the session token (browser), applies the saved language, mounts the app.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { adoptToken } from './lib/transport';

adoptToken();
const app = mount(App, { target: document.getElementById('app')! });
export default app;

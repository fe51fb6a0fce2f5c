// jsdom lacks ResizeObserver, which the chart wrapper uses to follow its element's size.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= NoResize;

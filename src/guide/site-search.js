// The guide site's search (src/guide/site.rs): each word of the query is matched by its first five
// letters as a prefix of a topic's words — so «продлить» finds «продление», «мерзімді» finds
// «мерзімін» — as the app's own search does; a topic's title weighs five times its text. The index is
// `window.EKN_GUIDE_INDEX` ([{id, title, text}]), a script beside the page. Runs in a browser, and
// under Node for the tests (`module.exports`).
(function () {
  function words(text) {
    return text.toLocaleLowerCase('ru').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  }
  function stems(query) {
    return words(query).filter((w) => w.length >= 2).map((w) => Array.from(w).slice(0, 5).join(''));
  }
  /** Topics ranked for `query`: [{id, title, score}], best first; topics matching no word are left out. */
  function rank(index, query) {
    const wanted = stems(query);
    if (wanted.length === 0) return [];
    const hits = [];
    for (const topic of index) {
      const title = words(topic.title);
      const text = words(topic.text);
      let score = 0;
      for (const stem of wanted) {
        const inTitle = title.filter((w) => w.startsWith(stem)).length;
        const inText = text.filter((w) => w.startsWith(stem)).length;
        if (inTitle + inText > 0) score += 1 + 5 * inTitle + Math.log1p(inText);
      }
      if (score > 0) hits.push({ id: topic.id, title: topic.title, score });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
  if (typeof module !== 'undefined') {
    module.exports = { rank };
    return;
  }
  const form = document.getElementById('search');
  const input = document.getElementById('query');
  const list = document.getElementById('hits');
  const nothing = document.getElementById('nothing');
  function show() {
    const hits = rank(window.EKN_GUIDE_INDEX || [], input.value);
    list.replaceChildren(...hits.map((h) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `${h.id}.html`;
      link.textContent = h.title;
      item.append(link);
      return item;
    }));
    nothing.hidden = hits.length > 0 || input.value.trim() === '';
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); show(); });
  input.addEventListener('input', show);
  const asked = new URLSearchParams(location.search).get('q');
  if (asked) { input.value = asked; show(); }
})();

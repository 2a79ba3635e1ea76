// kindred HTML report: optional enhancements. Without this script every story,
// account and passage is still on the page; with it the story list can be
// filtered and sorted, stories expanded together, and an article's sentences
// picked out of a merged account. It touches nothing outside the page.
(function () {
  'use strict';

  var stories = Array.prototype.slice.call(document.querySelectorAll('section.story'));
  var table = document.getElementById('story-table');
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Opens every <details> around the element with this id, then shows it.
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var p = target; p; p = p.parentElement) {
      if (p.tagName === 'DETAILS') p.open = true;
    }
    target.scrollIntoView();
  }
  function revealHash() {
    if (location.hash.length > 1) reveal(decodeURIComponent(location.hash.slice(1)));
  }
  window.addEventListener('hashchange', revealHash);
  revealHash();

  // Toolbar: filter, expand all, collapse all, and a count of stories shown.
  var tools = document.getElementById('kr-tools');
  if (tools && stories.length) {
    var filter = el('input', {
      id: 'kr-filter', type: 'search', placeholder: 'Filter by headline, article id or source',
      'aria-label': 'Filter stories by headline, article id or source'
    });
    var expand = el('button', { type: 'button', id: 'kr-expand' }, 'Expand all');
    var collapse = el('button', { type: 'button', id: 'kr-collapse' }, 'Collapse all');
    var count = el('span', { id: 'kr-count', role: 'status', 'aria-live': 'polite' });
    tools.appendChild(filter);
    tools.appendChild(expand);
    tools.appendChild(collapse);
    tools.appendChild(count);

    // What a filter matches: the list row and the story's articles table, lower-cased once.
    var haystack = {};
    function textOf(id) {
      if (!(id in haystack)) {
        var section = document.getElementById('story-' + id);
        var articles = section && section.querySelector('table.articles');
        var row = table.querySelector('tr[data-story="' + id + '"]');
        haystack[id] = ((row ? row.textContent : '') + ' ' +
                        (articles ? articles.textContent : '')).toLowerCase();
      }
      return haystack[id];
    }
    function applyFilter() {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var id = row.getAttribute('data-story');
        var text = textOf(id);
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !ok;
        var section = document.getElementById('story-' + id);
        if (section) section.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = 'Showing ' + shown + ' of ' + rows.length + ' stories';
    }
    filter.addEventListener('input', applyFilter);
    expand.addEventListener('click', function () {
      stories.forEach(function (s) {
        var d = s.querySelector('details.story-body');
        if (d && !s.hidden) d.open = true;
      });
    });
    collapse.addEventListener('click', function () {
      Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = false; });
    });
    applyFilter();
  }

  // Sortable story list: a button in each column heading.
  if (table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, column) {
      var kind = th.getAttribute('data-sort');
      if (!kind) return;
      var button = el('button', { type: 'button' }, th.textContent);
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') !== 'descending';
        heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var value = function (row) {
          if (kind === 'text') return row.cells[column].textContent.toLowerCase();
          if (kind === 'date') return row.getAttribute('data-date') || '';
          return parseFloat(row.getAttribute('data-' + kind)) || 0;
        };
        var sorted = rows.slice().sort(function (a, b) {
          var x = value(a), y = value(b);
          var c = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -c : c;
        });
        var body = table.tBodies[0];
        sorted.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  // Merged accounts: a legend of the story's articles; pressing one dims the
  // sentences it does not carry.
  stories.forEach(function (section) {
    var account = section.querySelector('ol.account');
    if (!account) return;
    var keys = section.querySelectorAll('table.articles tr[data-key]');
    if (!keys.length) return;
    var legend = el('div', { 'class': 'legend', role: 'group',
                             'aria-label': 'Show the sentences of one article' });
    legend.appendChild(el('span', { 'class': 'muted' }, 'Sentences of:'));
    var items = Array.prototype.slice.call(account.children);
    var buttons = [];
    Array.prototype.forEach.call(keys, function (row) {
      var index = row.getAttribute('data-key');
      var badge = row.querySelector('.key');
      var button = el('button', {
        type: 'button', 'aria-pressed': 'false', 'class': badge ? badge.className.replace('key', '').trim() : '',
        title: badge ? badge.getAttribute('title') : ''
      }, badge ? badge.textContent : index);
      button.addEventListener('click', function () {
        var on = button.getAttribute('aria-pressed') !== 'true';
        buttons.forEach(function (b) { b.setAttribute('aria-pressed', 'false'); });
        button.setAttribute('aria-pressed', on ? 'true' : 'false');
        items.forEach(function (li) {
          var carried = (' ' + li.getAttribute('data-src') + ' ').indexOf(' ' + index + ' ') >= 0;
          li.classList.toggle('dim', on && !carried);
        });
      });
      buttons.push(button);
      legend.appendChild(button);
    });
    account.parentNode.insertBefore(legend, account);
  });

  document.documentElement.setAttribute('data-js', 'ready');
})();

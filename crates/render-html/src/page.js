(function () {
  'use strict';
  var dataEl = document.getElementById('navlayer-data');
  var cells = [];
  try { cells = JSON.parse(dataEl.textContent); } catch (e) { cells = []; }
  var detail = document.getElementById('detail');
  var selected = null;
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function isSafe(url) { return /^(https?:\/\/|mailto:)/i.test(String(url).trim()); }
  function show(k, node) {
    var c = cells[k];
    if (!c) return;
    if (selected) selected.classList.remove('selected');
    selected = node; node.classList.add('selected');
    document.getElementById('detail-title').textContent = c.id + ' ' + c.name;
    document.getElementById('detail-tactic').textContent = c.tactic + (c.enabled ? '' : ' · disabled');
    var s = [];
    if (c.score !== null && c.score !== undefined) s.push('Score: ' + c.score);
    if (c.aggregate !== null && c.aggregate !== undefined) s.push('Aggregate score: ' + c.aggregate);
    if (c.color) s.push('Colour: ' + c.color);
    document.getElementById('detail-score').textContent = s.join(' · ');
    document.getElementById('detail-comment').textContent = c.comment || '';
    var md = document.getElementById('detail-metadata'); clear(md);
    if (c.metadata && c.metadata.length) {
      var dl = el('dl', null, 'meta');
      c.metadata.forEach(function (m) {
        if (m.divider) { dl.appendChild(el('hr')); return; }
        dl.appendChild(el('dt', m.name)); dl.appendChild(el('dd', m.value));
      });
      md.appendChild(dl);
    }
    var ld = document.getElementById('detail-links'); clear(ld);
    var links = (c.links || []).slice();
    if (c.url) links.push({ label: 'ATT&CK page', url: c.url, safe: true });
    if (links.length) {
      var ul = el('ul', null, 'links');
      links.forEach(function (l) {
        var li = el('li');
        if (l.divider) { li.appendChild(el('hr')); }
        else if (l.safe && isSafe(l.url)) {
          var a = el('a', l.label); a.href = String(l.url).trim();
          a.rel = 'noopener noreferrer nofollow'; a.target = '_blank'; li.appendChild(a);
        } else {
          li.appendChild(el('span', l.label, 'unsafe-link'));
          li.appendChild(document.createTextNode(' '));
          li.appendChild(el('code', l.url));
        }
        ul.appendChild(li);
      });
      ld.appendChild(ul);
    }
    detail.hidden = false;
  }
  function setExpanded(k, on) {
    var btn = document.querySelector('.toggle[data-k="' + k + '"]');
    if (!btn) return;
    btn.setAttribute('aria-expanded', on ? 'true' : 'false');
    btn.textContent = on ? '\u2212' : '+';
    document.querySelectorAll('.t[data-parent="' + k + '"]').forEach(function (s) { s.hidden = !on; });
    var tactic = btn.closest('.tactic');
    if (tactic) tactic.classList.toggle('open', tactic.querySelector('.toggle[aria-expanded="true"]') !== null);
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var toggle = t.closest('.toggle');
    if (toggle) {
      ev.stopPropagation();
      setExpanded(toggle.getAttribute('data-k'), toggle.getAttribute('aria-expanded') !== 'true');
      return;
    }
    if (t.closest('#detail-close')) { detail.hidden = true; if (selected) selected.classList.remove('selected'); selected = null; return; }
    var cell = t.closest('.t');
    if (cell) show(Number(cell.getAttribute('data-k')), cell);
  });
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (ev.key === 'Escape') { detail.hidden = true; return; }
    if ((ev.key === 'Enter' || ev.key === ' ') && t instanceof Element && t.classList.contains('t')) {
      ev.preventDefault(); show(Number(t.getAttribute('data-k')), t);
    }
  });
  document.getElementById('expand-all').addEventListener('click', function () {
    document.querySelectorAll('.toggle').forEach(function (b) { setExpanded(b.getAttribute('data-k'), true); });
  });
  document.getElementById('collapse-all').addEventListener('click', function () {
    document.querySelectorAll('.toggle').forEach(function (b) { setExpanded(b.getAttribute('data-k'), false); });
  });
  var search = document.getElementById('search');
  var count = document.getElementById('match-count');
  search.addEventListener('input', function () {
    var q = search.value.trim().toLowerCase();
    var n = 0;
    document.body.classList.toggle('searching', q.length > 0);
    document.querySelectorAll('.t').forEach(function (node) {
      var c = cells[Number(node.getAttribute('data-k'))] || {};
      var hay = (c.id + ' ' + c.name + ' ' + (c.comment || '')).toLowerCase();
      var hit = q.length > 0 && hay.indexOf(q) >= 0;
      node.classList.toggle('match', hit);
      if (hit) {
        n++;
        var p = node.getAttribute('data-parent');
        if (p !== null) setExpanded(p, true);
      }
    });
    count.textContent = q.length ? n + ' match' + (n === 1 ? '' : 'es') : '';
  });
})();

/**
 * The report's inline script and styles. The script builds the page from the embedded JSON with
 * DOM calls and textContent only (never innerHTML), so customer text can never become markup.
 * Plain ES2017 in a string: no template literals inside, no external anything.
 */
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('voc-data').textContent);
  var minVolume = data.params.minVolume;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  // Lookups by a key from the data never reach Object.prototype ("constructor", "__proto__").
  function own(o, k) { return o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined; }
  function pct(v) { return v === null || v === undefined ? '' : Math.round(v * 100) + '%'; }
  function signed(v, d) { return v === null || v === undefined ? '' : (v > 0 ? '+' : '') + v.toFixed(d); }
  function monthName(m) {
    if (!m) return '';
    var names = ['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'];
    var p = m.split('-');
    return names[Number(p[1]) - 1] + ' ' + p[0];
  }

  var METRICS = [
    { id: 'per100', label: 'Negative per 100 docs', get: function (c) { return c.per100; }, fmt: function (v) { return v.toFixed(1); }, scale: 'centred' },
    { id: 'pain', label: 'Pain index', get: function (c) { return c.pain; }, fmt: function (v) { return v.toFixed(2); }, scale: 'lin' },
    { id: 'negShare', label: 'Negative share', get: function (c) { return c.negShare; }, fmt: pct, scale: 'centred' },
    { id: 'mentions', label: 'Mentions', get: function (c) { return c.mentions; }, fmt: String, scale: 'seq' },
    { id: 'sentiment', label: 'Mean sentiment', get: function (c) { return c.sentiment; }, fmt: function (v) { return signed(v, 2); }, scale: 'div' },
    { id: 'nps', label: 'NPS', get: function (c) { return c.nps; }, fmt: function (v) { return signed(v, 0); }, scale: 'div' }
  ];

  // Sequential: warm white to deep red. Diverging: red (bad) - light grey - blue (good), colour-blind safe.
  var SEQ = [[250, 248, 245], [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
  var DIV = [[178, 24, 43], [239, 138, 98], [247, 247, 247], [103, 169, 207], [33, 102, 172]];
  function ramp(stops, t) {
    t = Math.max(0, Math.min(1, t));
    var x = t * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(x)), f = x - i;
    var a = stops[i], b = stops[i + 1];
    return [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * f); });
  }
  function colourFor(metric, v, max, centre) {
    if (v === null || v === undefined) return null;
    // Diverging around the corpus mean: red above it (more pain), blue below, white about average.
    if (metric.scale === 'centred') return ramp(DIV, max > 0 ? 0.5 - (v - centre) / (2 * max) : 0.5);
    if (metric.scale === 'div') return ramp(DIV, max > 0 ? (v / max + 1) / 2 : 0.5);
    if (metric.scale === 'share') return ramp(SEQ, v);
    // Pain is already log-damped: a linear scale keeps the worst cells standing out.
    if (metric.scale === 'lin') return ramp(SEQ, max > 0 ? v / max : 0);
    return ramp(SEQ, max > 0 ? Math.sqrt(v / max) : 0);
  }
  function rgb(c) { return 'rgb(' + c[0] + ',' + c[1] + ',' + c[2] + ')'; }
  function inkFor(c) { return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) < 140 ? '#fff' : '#1d1d1f'; }

  var SVG = 'http://www.w3.org/2000/svg';
  function sparkline(values, w, h) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('class', 'spark');
    if (!values || values.length === 0) return svg;
    var max = Math.max.apply(null, values.concat([1]));
    var step = values.length > 1 ? (w - 4) / (values.length - 1) : 0;
    var pts = values.map(function (v, i) { return [2 + i * step, h - 2 - (v / max) * (h - 4)]; });
    var line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', pts.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' '));
    line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#8a6d5a'); line.setAttribute('stroke-width', '1.5');
    svg.appendChild(line);
    var last = pts[pts.length - 1], dot = document.createElementNS(SVG, 'circle');
    dot.setAttribute('cx', last[0]); dot.setAttribute('cy', last[1]); dot.setAttribute('r', '2.5'); dot.setAttribute('fill', '#b2182b');
    svg.appendChild(dot);
    var title = document.createElementNS(SVG, 'title');
    title.textContent = 'Negative mentions per month: ' + data.overall.months.map(function (m, i) { return monthName(m) + ' ' + values[i]; }).join(', ');
    svg.appendChild(title);
    return svg;
  }

  // "rising: 3.1x its trailing 3-month mean (z 4.4)"
  function trendText(c) {
    if (c.z === null || c.latest === null || c.baseline === null) return '';
    var mean = 'its trailing ' + data.params.trailingMonths + '-month mean';
    var ratio = c.baseline > 0 ? (c.latest / c.baseline).toFixed(1) + 'x ' + mean : 'new (none in ' + mean.slice(4) + ')';
    var z = ' (z ' + c.z.toFixed(1) + ')';
    if (c.anomaly) return 'spike: ' + ratio + z;
    if (c.z >= 1 && c.latest > c.baseline) return 'rising: ' + ratio + z;
    if (c.z <= -1 && c.latest < c.baseline) return 'falling: ' + (c.latest / c.baseline).toFixed(1) + 'x ' + mean + z;
    return 'steady' + z;
  }

  /* ---------------- header and summary ---------------- */
  function renderHeader() {
    var h = document.getElementById('head');
    add(h, el('p', 'eyebrow', 'Voice of customer report'), el('h1', null, data.title));
    var o = data.overall;
    var facts = [
      o.documents + ' responses, tickets and interviews',
      o.segments + ' analysed comments',
      pct(o.negativeRate) + ' negative',
      o.nps === null ? null : 'NPS ' + signed(o.nps, 0) + ' (' + o.npsResponses + ' responses, 0-10 likelihood to recommend)',
      data.scores.map(function (x) { return x.text + ', ' + x.documents + ' ' + x.unit; }).join(' \u00b7 ') || null,
      o.months.length ? monthName(o.months[0]) + ' to ' + monthName(o.months[o.months.length - 1]) : null
    ].filter(Boolean);
    var p = el('p', 'facts');
    facts.forEach(function (f, i) { if (i) add(p, el('span', 'sep', '\u00b7')); add(p, el('span', null, f)); });
    add(h, p);
  }

  // Each card its own quote: one already shown on an earlier card (same document or wording) is skipped.
  var shownQuotes = {};
  function bestQuote(h) {
    var qs = data.quotes[h.matrix + '|' + h.r + '|' + h.c] || [];
    var ordered = qs.filter(function (q) { return q.kind === 'negative'; }).concat(qs.filter(function (q) { return q.kind !== 'negative'; }));
    var q = ordered.filter(function (x) { return !shownQuotes['d' + x.documentId] && !shownQuotes['t' + x.text.toLowerCase()]; })[0] || null;
    if (q) { shownQuotes['d' + q.documentId] = 1; shownQuotes['t' + q.text.toLowerCase()] = 1; }
    return q;
  }

  function renderSummary() {
    var box = document.getElementById('summary');
    add(box, el('h2', null, 'What hurts most'));
    if (!data.top.length) { add(box, el('p', 'muted', 'No negative feedback tied to a theme yet.')); return; }
    var intro = el('p', 'lede');
    var t = data.top[0];
    intro.textContent = 'The biggest pain point is ' + t.rowLabel + (t.parentLabel ? ' (' + t.parentLabel + ')' : '') +
      ' during ' + t.colLabel + ': ' + t.negative + ' negative of ' + t.mentions + ' mentions' +
      (t.npsImpact ? '; fixing it for the detractors who mention it would lift NPS by about ' + t.npsImpact.toFixed(1) + ' points' : '') + '.';
    add(box, intro);
    var grid = el('div', 'cards');
    data.top.slice(0, 4).forEach(function (h, i) {
      var card = el('button', 'card');
      card.type = 'button';
      add(card, el('div', 'rank', '#' + (i + 1)),
        el('div', 'card-title', h.rowLabel),
        el('div', 'card-sub', (h.parentLabel ? h.parentLabel + ' \u00b7 ' : '') + h.colLabel));
      var stats = el('div', 'card-stats');
      add(stats, el('span', 'big', pct(h.negShare)), el('span', 'muted', ' negative of ' + h.mentions));
      add(stats, el('div', 'muted per100', h.per100.toFixed(1) + ' negative per 100 documents (' + h.p100Low.toFixed(1) + '\u2013' + h.p100High.toFixed(1) + ')'));
      add(card, stats, sparkline(h.series, 120, 28), el('div', 'card-trend', trendText(h)));
      var q = bestQuote(h);
      if (q) add(card, el('blockquote', null, q.text));
      card.addEventListener('click', function () { openCell(h.matrix, h.r, h.c, true); });
      add(grid, card);
    });
    add(box, grid);
    if (data.alerts.length) {
      var al = el('div', 'alerts');
      add(al, el('h3', null, 'Spikes in ' + monthName(data.overall.latestMonth)));
      var ul = el('ul');
      data.alerts.slice(0, 6).forEach(function (a) {
        var li = el('li');
        var what = a.matrix === 'stage_touchpoint' ? a.rowLabel + ' (touchpoint)'
          : a.matrix.indexOf('attr:') === 0 ? a.rowLabel + ' (' + a.matrix.slice(5, -6) + ')'
          : a.r === 'unassigned' ? 'Comments with no theme yet' : a.rowLabel;
        var link = el('button', 'linkish', what + ' \u00b7 ' + a.colLabel);
        link.type = 'button';
        link.addEventListener('click', function () { openCell(a.matrix, a.r, a.c, true); });
        add(li, link, el('span', 'muted', ' \u2014 ' + a.series[a.series.length - 1] + ' negative mentions this month, ' + trendText(a)));
        add(ul, li);
      });
      add(box, add(al, ul));
    }
  }

  /* ---------------- journey map ---------------- */
  var EMOTION_COLOURS = { 'frustration-anger': '#b2182b', confusion: '#e08214', disappointment: '#8073ac', worry: '#542788',
    'satisfaction-joy': '#1b7837', gratitude: '#2166ac', surprise: '#878787' };
  function emotionColour(id) { return own(EMOTION_COLOURS, id) || '#4d4d4d'; }
  function emotionLabel(id) {
    var e = data.journey.emotions.filter(function (x) { return x.id === id; })[0];
    return e ? e.label : id;
  }
  function per100(v) { return v.toFixed(1); }
  // Diverging around the mean of the assigned stages: red above it (more pain), blue below.
  function divergingAround(v, centre, spread) {
    return ramp(DIV, spread > 0 ? 0.5 - (v - centre) / (2 * spread) : 0.5);
  }

  function quoteFigure(q) {
    var fig = el('figure', 'quote');
    add(fig, el('blockquote', null, q.text));
    var cap = el('figcaption');
    add(cap, el('span', null, q.source), el('span', 'sep', '\u00b7'),
      el('span', null, (q.externalId ? 'id ' + q.externalId : 'document ' + q.documentId)),
      el('span', 'sep', '\u00b7'), el('span', null, q.locator),
      el('span', 'sep', '\u00b7'), el('span', null, 'chars ' + q.charStart + '\u2013' + q.charEnd),
      q.createdAt ? el('span', 'sep', '\u00b7') : null, q.createdAt ? el('span', null, q.createdAt.slice(0, 10)) : null);
    return add(fig, cap);
  }

  function showJourneyQuotes(stage, emotion) {
    var panel = document.getElementById('journey-detail');
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    var s = data.journey.stages.filter(function (x) { return x.key === stage; })[0];
    if (!s) return;
    Array.prototype.forEach.call(document.querySelectorAll('#journey .picked'), function (x) { x.classList.remove('picked'); });
    var card = document.querySelector('#journey .stage[data-stage="' + CSS.escape(stage) + '"]');
    if (card) card.classList.add('picked');
    var quotes;
    if (emotion) {
      var e = own(s.emotions, emotion);
      add(panel, el('p', 'eyebrow', s.label), el('h3', null, emotionLabel(emotion) + ': ' + pct(e.share) + ' of ' + s.mentions + ' comments'));
      add(panel, el('p', 'muted', '95% CI ' + pct(e.low) + '\u2013' + pct(e.high) + ' \u00b7 ' + e.segments + ' comments show it' +
        (emotionTrend(e) ? ' \u00b7 ' + emotionTrend(e) : '')));
      quotes = own(data.journey.emotionQuotes, stage + '|' + emotion) || [];
    } else {
      add(panel, el('p', 'eyebrow', 'Journey stage'), el('h3', null, s.label));
      quotes = own(data.journey.quotes, stage) || [];
      quotes = quotes.filter(function (q) { return q.kind === 'negative'; }).concat(quotes.filter(function (q) { return q.kind === 'typical'; }));
    }
    quotes.forEach(function (q) { add(panel, quoteFigure(q)); });
    if (!quotes.length) add(panel, el('p', 'muted', 'No quotes stored for this.'));
    panel.hidden = false;
    panel.setAttribute('data-stage', stage);
    panel.setAttribute('data-emotion', emotion || '');
  }

  function emotionTrend(e) {
    return trendText({ z: e.z, latest: e.latest, baseline: e.baseline, anomaly: e.z !== null && e.z >= data.params.anomalyZ });
  }

  function emotionCurve(stages, emotions, colWidth) {
    var h = 150, top = 12, bottom = 18, w = stages.length * colWidth;
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('class', 'curve');
    svg.setAttribute('role', 'img');
    var max = 0;
    stages.forEach(function (s) { emotions.forEach(function (e) { max = Math.max(max, own(s.emotions, e.id) ? s.emotions[e.id].share : 0); }); });
    max = max > 0 ? Math.min(1, Math.ceil(max * 10) / 10) : 1;
    function y(v) { return top + (1 - v / max) * (h - top - bottom); }
    [0, max / 2, max].forEach(function (v) {
      var g = document.createElementNS(SVG, 'line');
      g.setAttribute('x1', 0); g.setAttribute('x2', w); g.setAttribute('y1', y(v).toFixed(1)); g.setAttribute('y2', y(v).toFixed(1));
      g.setAttribute('class', 'grid');
      svg.appendChild(g);
      var t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', 2); t.setAttribute('y', (y(v) - 2).toFixed(1)); t.setAttribute('class', 'axis');
      t.textContent = pct(v);
      svg.appendChild(t);
    });
    emotions.forEach(function (e) {
      var pts = stages.map(function (s, i) { var x = own(s.emotions, e.id); return [i * colWidth + colWidth / 2, y(x ? x.share : 0)]; });
      var line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', pts.map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' '));
      line.setAttribute('fill', 'none'); line.setAttribute('stroke', emotionColour(e.id)); line.setAttribute('stroke-width', '2');
      line.setAttribute('class', 'emo-line');
      line.setAttribute('data-emotion', e.id);
      svg.appendChild(line);
      stages.forEach(function (s, i) {
        var x = own(s.emotions, e.id);
        if (!x) return;
        var dot = document.createElementNS(SVG, 'circle');
        dot.setAttribute('cx', pts[i][0].toFixed(1)); dot.setAttribute('cy', pts[i][1].toFixed(1)); dot.setAttribute('r', '4');
        dot.setAttribute('fill', emotionColour(e.id));
        dot.setAttribute('class', 'emo-dot');
        dot.setAttribute('data-stage', s.key); dot.setAttribute('data-emotion', e.id); dot.setAttribute('data-share', String(x.share));
        var title = document.createElementNS(SVG, 'title');
        title.textContent = e.label + ' in ' + s.label + ': ' + pct(x.share) + ' of comments (' + x.segments + ' of ' + s.mentions + ')';
        dot.appendChild(title);
        dot.addEventListener('click', function () { showJourneyQuotes(s.key, e.id); });
        svg.appendChild(dot);
      });
    });
    return svg;
  }

  function stageCard(s, centre, spread) {
    var card = el('div', 'stage' + (s.unassigned ? ' unassigned' : ''));
    card.setAttribute('data-stage', s.key);
    var name = el('button', 'stage-name', s.label);
    name.type = 'button';
    name.addEventListener('click', function () { showJourneyQuotes(s.key, null); });
    add(card, name, el('div', 'stage-vol', s.mentions + ' comments \u00b7 ' + s.docs + ' documents'));
    var pain = el('div', 'stage-pain');
    pain.setAttribute('data-value', String(s.negPer100));
    add(pain, el('span', 'big', per100(s.negPer100)), el('span', null, ' negative per 100 documents'),
      el('div', 'ci', '95% CI ' + per100(s.p100Low) + '\u2013' + per100(s.p100High)));
    if (!s.unassigned) {
      var col = divergingAround(s.negPer100, centre, spread);
      pain.style.background = rgb(col); pain.style.color = inkFor(col);
    }
    var sent = el('div', 'stage-sent', 'Sentiment ' + signed(s.sentiment, 2) + ' (' + signed(s.sLow, 2) + ' to ' + signed(s.sHigh, 2) + ')');
    sent.setAttribute('data-value', String(s.sentiment));
    add(card, pain, sent);
    var emo = el('div', 'stage-emotions');
    s.dominant.forEach(function (id) {
      var e = own(s.emotions, id);
      var b = el('button', 'emo', emotionLabel(id) + ' ' + pct(e.share));
      b.type = 'button';
      b.style.borderColor = emotionColour(id);
      b.setAttribute('data-emotion', id); b.setAttribute('data-share', String(e.share));
      b.title = pct(e.low) + '\u2013' + pct(e.high) + ' (95% CI), ' + e.segments + ' of ' + s.mentions + ' comments. Click for quotes.';
      b.addEventListener('click', function () { showJourneyQuotes(s.key, id); });
      add(emo, b);
    });
    if (!s.dominant.length) add(emo, el('span', 'muted', 'no emotion detected'));
    add(card, emo);
    if (s.unassigned) {
      add(card, el('p', 'muted note-small', 'No stage could be told for these comments: counted, not ranked.'));
    } else if (s.pains.length) {
      var ol = el('ol', 'stage-pains');
      s.pains.forEach(function (p) {
        var li = el('li');
        li.setAttribute('data-theme', p.theme);
        add(li, el('span', null, p.label), el('span', 'muted', ' ' + per100(p.negPer100) + ' per 100'));
        add(ol, li);
      });
      add(card, el('div', 'stage-sub', 'Top pain themes'), ol);
    }
    return card;
  }

  function renderJourney() {
    var j = data.journey, box = document.getElementById('journey');
    add(box, el('h2', null, 'The journey'));
    if (!j.stages.length) { add(box, el('p', 'muted', 'This aggregate has no journey map yet: run voc aggregate again.')); return; }
    add(box, el('p', 'muted', 'Stages in journey order. Pain is negative mentions per 100 documents: of every 100 documents ' +
      '(survey responses, tickets, interviews) in the data, how many say something negative about the stage, with its 95% interval. ' +
      'Red: more than the average stage (' + per100(j.meanPer100) + ' per 100); blue: fewer; white: about average. ' +
      'The curve shows the share of comments at each stage showing an emotion. Click a stage, an emotion or a point for quotes.'));
    var stages = j.stages.filter(function (s) { return !s.unassigned; });
    var apart = j.stages.filter(function (s) { return s.unassigned; });
    var spread = Math.max.apply(null, stages.map(function (s) { return Math.abs(s.negPer100 - j.meanPer100); }).concat([0]));
    var used = j.emotions.filter(function (e) { return stages.some(function (s) { return own(s.emotions, e.id) && s.emotions[e.id].segments > 0; }); });
    var legend = el('div', 'emo-legend');
    used.forEach(function (e) {
      var k = el('span', 'emo-key', e.label);
      k.style.borderColor = emotionColour(e.id);
      add(legend, k);
    });
    add(box, legend);
    // As wide as the page allows (130-220px a stage), the unassigned column apart on the right.
    var room = (box.clientWidth || 1200) - (apart.length ? 200 : 0) - 40;
    var colWidth = Math.max(130, Math.min(220, Math.floor(room / Math.max(1, stages.length))));
    var wrap = el('div', 'journey-wrap');
    var main = el('div', 'journey-main');
    if (used.length && stages.length) add(main, emotionCurve(stages, used, colWidth));
    var row = el('div', 'journey-stages');
    row.style.gridTemplateColumns = 'repeat(' + stages.length + ', ' + colWidth + 'px)';
    stages.forEach(function (s) { add(row, stageCard(s, j.meanPer100, spread)); });
    add(main, row);
    add(wrap, main);
    if (apart.length) {
      var side = el('div', 'journey-apart');
      apart.forEach(function (s) { add(side, stageCard(s, j.meanPer100, spread)); });
      add(wrap, side);
    }
    add(box, wrap);
    var detail = el('aside', 'journey-detail');
    detail.id = 'journey-detail';
    detail.hidden = true;
    add(box, detail);
  }

  /* ---------------- heatmaps ---------------- */
  var state = { metric: 'per100', selected: null };
  var UNASSIGNED = 'unassigned';
  function isUnassigned(key) { return key === UNASSIGNED || key === 'unknown'; }
  var tables = {};

  // "emo:<id>": the share of the cell's comments showing an emotion.
  function metricById(id) {
    if (id.indexOf('emo:') === 0) {
      var eid = id.slice(4);
      return { id: id, label: emotionLabel(eid), scale: 'share', fmt: pct,
        get: function (c) { var e = (c.emo || []).filter(function (x) { return x.id === eid; })[0]; return e ? e.share : 0; } };
    }
    return METRICS.filter(function (m) { return m.id === id; })[0];
  }

  function renderHeatmap(m) {
    var section = el('section', 'heatmap');
    section.id = 'hm-' + m.id;
    add(section, el('h2', null, m.title));
    var wrap = el('div', 'table-wrap');
    var table = el('table', 'hm');
    table.setAttribute('data-matrix', m.id);
    var thead = el('thead'), tr = el('tr');
    var corner = m.rowDim === 'theme' ? 'Theme' : m.rowDim === 'touchpoint' ? 'Touchpoint' : m.rowDim.replace(/^attr:/, '');
    add(tr, el('th', 'corner', corner));
    m.cols.forEach(function (c) { var th = el('th', 'col' + (isUnassigned(c.key) ? ' unassigned' : ''), c.label); th.title = c.key; add(tr, th); });
    add(table, add(thead, tr));
    var tbody = el('tbody');
    var index = {};
    m.cells.forEach(function (c) { index[c.r + '|' + c.c] = c; });
    m.rows.forEach(function (r) {
      var row = el('tr');
      if (r.depth > 0) row.className = 'child';
      if (isUnassigned(r.key)) row.className = 'unassigned';
      var th = el('th', 'row depth' + Math.min(r.depth, 3), r.label);
      th.title = r.key;
      add(row, th);
      m.cols.forEach(function (col) {
        var cell = index[r.key + '|' + col.key];
        var td = el('td', (cell ? 'cell' : 'cell empty') + (isUnassigned(r.key) || isUnassigned(col.key) ? ' unassigned' : ''));
        if (cell) {
          td.setAttribute('data-row', r.key); td.setAttribute('data-col', col.key);
          td.tabIndex = 0;
          td.addEventListener('click', function () { pick(m.id, r.key, col.key); });
          td.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(m.id, r.key, col.key); } });
        }
        add(row, td);
      });
      add(tbody, row);
    });
    add(table, tbody);
    add(section, add(wrap, table));
    tables[m.id] = { m: m, table: table, index: index };
    return section;
  }

  function paint() {
    var metric = metricById(state.metric);
    Object.keys(tables).forEach(function (id) {
      var t = tables[id];
      // Unassigned rows and columns are counts to show, not pain to rank: left out of the scale, greyed.
      var ranked = t.m.cells.filter(function (c) { return !isUnassigned(c.r) && !isUnassigned(c.c); });
      var values = ranked.map(metric.get).filter(function (v) { return v !== null; });
      var centre = metric.scale === 'centred' ? centreOf(metric, t.m) : 0;
      var max = metric.scale === 'div' ? Math.max.apply(null, values.map(Math.abs).concat([0]))
        : metric.scale === 'centred' ? Math.max.apply(null, values.map(function (v) { return Math.abs(v - centre); }).concat([0]))
        : Math.max.apply(null, values.concat([0]));
      t.centre = centre;
      var tds = t.table.querySelectorAll('td.cell[data-row]');
      Array.prototype.forEach.call(tds, function (td) {
        var c = t.index[td.getAttribute('data-row') + '|' + td.getAttribute('data-col')];
        var v = metric.get(c), grey = isUnassigned(c.r) || isUnassigned(c.c);
        var col = grey ? null : colourFor(metric, v, max, centre);
        td.textContent = v === null ? '\u2013' : metric.fmt(v);
        td.style.background = col ? rgb(col) : '';
        td.style.color = col ? inkFor(col) : '';
        td.classList.toggle('small', c.mentions < minVolume);
        td.classList.toggle('anomaly', !!c.anomaly);
        td.title = c.mentions + ' mentions, ' + pct(c.negShare) + ' negative' + (c.anomaly ? ', spike this month' : '') +
          (c.mentions < minVolume ? ' (small sample)' : '');
      });
    });
    renderLegend(metric, tables[Object.keys(tables)[0]]);
    Array.prototype.forEach.call(document.querySelectorAll('.metric-btn'), function (b) {
      b.setAttribute('aria-pressed', b.getAttribute('data-metric') === state.metric ? 'true' : 'false');
    });
  }

  // The centre of a diverging scale: the corpus mean. Negative share: the share over all comments;
  // per 100 documents: the mean over the table's assigned cells.
  function centreOf(metric, m) {
    if (metric.id === 'negShare') return data.overall.negativeRate;
    var vs = m.cells.filter(function (c) { return !isUnassigned(c.r) && !isUnassigned(c.c); }).map(metric.get);
    return vs.length ? vs.reduce(function (a, b) { return a + b; }, 0) / vs.length : 0;
  }

  var DEFINITIONS = {
    per100: 'Negative per 100 documents: of every 100 documents (survey responses, tickets, interviews) in the data, how many say something negative in this cell. A document counts once per cell.',
    pain: 'Pain index: negative share shrunk toward the overall rate, times ln(1 + mentions).',
    negShare: 'Negative share: negative comments out of all comments in the cell.',
    mentions: 'Mentions: comments (sentences or turns) in the cell.',
    sentiment: 'Mean sentiment from -1 (negative) to +1 (positive).',
    nps: 'NPS of the 0-10 likelihood-to-recommend responses in the cell.'
  };

  function renderLegend(metric, t) {
    var lg = document.getElementById('legend');
    while (lg.firstChild) lg.removeChild(lg.firstChild);
    var bar = el('span', 'legend-bar');
    var stops = metric.scale === 'div' || metric.scale === 'centred' ? DIV.slice().reverse() : SEQ;
    if (metric.scale === 'div') stops = DIV;
    bar.style.background = 'linear-gradient(90deg,' + stops.map(rgb).join(',') + ')';
    var lo = 'low', hi = 'high';
    if (metric.scale === 'div') { lo = 'worse'; hi = 'better'; }
    if (metric.scale === 'centred') {
      var c = t ? t.centre : 0;
      lo = 'below the average cell'; hi = 'above the average (' + metric.fmt(c) + ')';
    }
    add(lg, el('span', 'muted', lo), bar, el('span', 'muted', hi),
      el('span', 'legend-note', 'grey = unassigned, counted but not ranked \u00b7 faded = fewer than ' + minVolume + ' mentions \u00b7 \u25b2 = spike this month'));
    var def = el('div', 'legend-def', metric.id.indexOf('emo:') === 0
      ? metric.label + ': share of the cell\u2019s comments in which it was detected.' : own(DEFINITIONS, metric.id) || '');
    def.id = 'metric-definition';
    add(lg, def);
  }

  function renderControls() {
    var c = document.getElementById('controls');
    var label = el('label', 'toggle');
    var box = el('input');
    box.type = 'checkbox'; box.checked = true; box.id = 'show-children';
    box.addEventListener('change', function () { document.body.classList.toggle('hide-children', !box.checked); });
    add(c, add(label, box, document.createTextNode(' Sub-themes')), el('span', 'muted', 'Colour by'));
    METRICS.forEach(function (m) {
      var b = el('button', 'metric-btn', m.label);
      b.type = 'button';
      b.setAttribute('data-metric', m.id);
      b.addEventListener('click', function () { state.metric = m.id; sel.value = ''; paint(); });
      add(c, b);
    });
    var sel = el('select', 'emotion-select');
    sel.id = 'emotion-metric';
    add(sel, el('option', null, 'Emotion\u2026'));
    sel.firstChild.value = '';
    data.journey.emotions.forEach(function (e) {
      var o = el('option', null, e.label);
      o.value = 'emo:' + e.id;
      add(sel, o);
    });
    sel.addEventListener('change', function () { if (sel.value) { state.metric = sel.value; paint(); } });
    if (data.journey.emotions.length) add(c, sel);
  }

  /* ---------------- cell detail ---------------- */
  // On narrow screens the detail panel sits below the heatmaps: bring it into view.
  function pick(matrixId, r, c) {
    openCell(matrixId, r, c, false);
    if (window.matchMedia('(max-width: 1000px)').matches) document.getElementById('detail').scrollIntoView({ behavior: 'smooth' });
  }

  function openCell(matrixId, r, c, scroll) {
    var t = tables[matrixId];
    if (!t) return;
    var cell = t.index[r + '|' + c];
    if (!cell) return;
    Array.prototype.forEach.call(document.querySelectorAll('td.selected'), function (x) { x.classList.remove('selected'); });
    var td = t.table.querySelector('td[data-row="' + CSS.escape(r) + '"][data-col="' + CSS.escape(c) + '"]');
    if (td) td.classList.add('selected');
    var rowLabel = (t.m.rows.filter(function (k) { return k.key === r; })[0] || { label: r }).label;
    var colLabel = (t.m.cols.filter(function (k) { return k.key === c; })[0] || { label: c }).label;
    var panel = document.getElementById('detail');
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    add(panel, el('p', 'eyebrow', colLabel), el('h3', null, rowLabel));
    var dl = el('dl', 'stats');
    function stat(k, v) { add(dl, el('dt', null, k), el('dd', null, v)); }
    stat('Mentions', cell.mentions + ' in ' + cell.docs + ' documents');
    stat('Negative per 100 documents', cell.per100.toFixed(1) + ' (95% CI ' + cell.p100Low.toFixed(1) + '\u2013' + cell.p100High.toFixed(1) + ')');
    stat('Negative', pct(cell.negShare) + ' (95% CI ' + pct(cell.wLow) + '\u2013' + pct(cell.wHigh) + ')');
    stat('Sentiment', signed(cell.sentiment, 2) + ' (95% CI ' + signed(cell.sLow, 2) + ' to ' + signed(cell.sHigh, 2) + ')');
    stat('Pain index', cell.pain.toFixed(2) + (cell.prevPain === null ? '' : ' (previous run ' + cell.prevPain.toFixed(2) + ')'));
    if (cell.nps !== null) stat('NPS of these customers', signed(cell.nps, 0));
    // Named by its scale: NPS only for 0-10 likelihood to recommend, else "Mean rating (1-10)", "Mean CSAT (1-5)", ...
    if (cell.meanScore !== null && cell.scoreScale !== 'nps') {
      stat(own(data.scaleLabels, cell.scoreScale) || 'Mean score (' + cell.scoreScale + ')',
        cell.scoreScale === 'yesno' ? pct(cell.meanScore) + ' yes' : cell.meanScore.toFixed(2));
    }
    if (cell.npsImpact !== null) stat('NPS impact', signed(cell.npsImpact, 1) + ' points if its detractors became passives');
    if (trendText(cell)) stat('Trend', trendText(cell));
    if (cell.emo && cell.emo.length) {
      stat('Emotions', cell.emo.slice(0, 4).map(function (e) {
        return emotionLabel(e.id) + ' ' + pct(e.share) + ' (' + pct(e.low) + '\u2013' + pct(e.high) + ')';
      }).join(', '));
    }
    add(panel, dl);
    add(panel, el('p', 'muted small-caption', 'Negative mentions per month'), sparkline(cell.series, 260, 40));
    var quotes = data.quotes[matrixId + '|' + r + '|' + c] || [];
    [['negative', 'Most negative'], ['typical', 'Most typical']].forEach(function (k) {
      var list = quotes.filter(function (q) { return q.kind === k[0]; });
      if (!list.length) return;
      add(panel, el('h4', null, k[1]));
      list.forEach(function (q) { add(panel, quoteFigure(q)); });
    });
    if (!quotes.length) add(panel, el('p', 'muted', 'No quotes stored for this cell.'));
    panel.hidden = false;
    if (scroll) document.getElementById('hm-' + matrixId).scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  /* ---------------- tables ---------------- */
  function table(headers, rows, cls) {
    var t = el('table', 'plain ' + (cls || ''));
    var tr = el('tr');
    headers.forEach(function (h) { add(tr, el('th', null, h)); });
    add(t, add(el('thead'), tr));
    var tb = el('tbody');
    rows.forEach(function (r) {
      var row = el('tr');
      r.forEach(function (v) {
        var td = el('td');
        if (v && v.nodeType) add(td, v); else td.textContent = v === null || v === undefined ? '' : String(v);
        add(row, td);
      });
      add(tb, row);
    });
    return add(t, tb);
  }

  function renderTop() {
    var s = document.getElementById('top');
    add(s, el('h2', null, 'Top pain points'));
    add(s, el('p', 'muted', 'Specific themes by journey stage, ranked by pain index (volume and negativity together). Click a row for quotes.'));
    var t = table(['#', 'Theme', 'Stage', 'Mentions', 'Negative (95% CI)', 'Sentiment', 'NPS impact', 'Monthly negatives', 'Trend'],
      data.top.map(function (h, i) {
        var name = el('span');
        add(name, el('strong', null, h.rowLabel), h.parentLabel ? el('span', 'muted', ' ' + h.parentLabel) : null);
        return [i + 1, name, h.colLabel, h.mentions, pct(h.negShare) + ' (' + pct(h.wLow) + '\u2013' + pct(h.wHigh) + ')',
          signed(h.sentiment, 2), h.npsImpact === null ? '' : signed(h.npsImpact, 1), sparkline(h.series, 90, 22), trendText(h)];
      }), 'top-table');
    Array.prototype.forEach.call(t.querySelectorAll('tbody tr'), function (tr, i) {
      var h = data.top[i];
      tr.className = 'clickable';
      if (/^(spike|rising)/.test(trendText(h))) tr.lastChild.className = 'trend-up';
      tr.addEventListener('click', function () { openCell(h.matrix, h.r, h.c, true); });
    });
    add(s, t);
  }

  function renderCodeframe() {
    var s = document.getElementById('codeframe');
    add(s, el('h2', null, 'Codeframe'));
    add(s, table(['Theme', 'Id', 'Mentions', 'Negative', 'Worst stage pain'], data.themes.map(function (t) {
      var name = el('span', 'depth' + Math.min(t.depth, 3), t.label);
      return [name, t.key, t.mentions, t.mentions ? pct(t.negShare) : '', t.mentions ? t.pain.toFixed(2) : ''];
    })));
  }

  function renderMeta() {
    var s = document.getElementById('meta');
    add(s, el('h2', null, 'About this report'));
    add(s, el('h3', null, 'Sources'));
    add(s, table(['Source', 'Kind', 'Documents', 'Analysed comments', 'From', 'To'], data.sources.map(function (x) {
      return [x.source_name, x.kind, x.documents, x.segments, (x.first || '').slice(0, 10), (x.last || '').slice(0, 10)];
    })));
    add(s, el('h3', null, 'Run'));
    var p = data.params;
    add(s, table(['', ''], [
      ['Aggregated at', data.generatedAt],
      ['Aggregate id', data.aggregateId],
      ['Config hash', data.configHash || ''],
      ['Analysis keys (models)', data.models.map(function (m) { return m.key; }).join(', ')],
      ['Negative per 100 documents', DEFINITIONS.per100 + ' 95% Wilson interval. Unassigned stages, touchpoints and themes are shown apart and never ranked.'],
      ['Pain index', 'negative share shrunk toward ' + pct(data.overall.negativeRate) + ' with a prior worth ' + p.priorStrength + ' mentions, times ln(1 + mentions)'],
      ['Anomaly rule', 'latest month z-score \u2265 ' + p.anomalyZ + ' against the ' + p.trailingMonths + ' months before, with \u2265 ' + p.minVolume + ' negative mentions']
    ], 'kv'));
    data.models.forEach(function (m) { add(s, el('p', 'muted mono', m.key + ': ' + m.summary)); });
  }

  renderHeader();
  renderSummary();
  renderJourney();
  renderControls();
  var host = document.getElementById('heatmaps');
  data.matrices.forEach(function (m) { add(host, renderHeatmap(m)); });
  paint();
  renderTop();
  renderCodeframe();
  renderMeta();
  if (data.top.length) openCell(data.top[0].matrix, data.top[0].r, data.top[0].c, false);
  document.body.setAttribute('data-ready', '1');
})();
`;

export const CLIENT_CSS = `
:root { --ink: #1d1d1f; --muted: #6b6b70; --line: #e6e3de; --bg: #fbfaf8; --card: #fff; --accent: #b2182b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 30px; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 40px 0 12px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 18px 0 6px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0 0 4px; }
.facts { color: var(--muted); margin: 0; }
.sep { margin: 0 6px; color: #b8b4ad; }
.muted { color: var(--muted); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.lede { font-size: 17px; max-width: 880px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 14px; }
.card { display: flex; flex-direction: column; justify-content: flex-start; text-align: left; font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; cursor: pointer; position: relative; }
.card:hover { border-color: #c9c3ba; box-shadow: 0 2px 10px rgba(0,0,0,.05); }
.rank { position: absolute; top: 12px; right: 14px; color: #b8b4ad; font-weight: 600; }
.card-title { font-weight: 650; font-size: 16px; padding-right: 28px; }
.card-sub { color: var(--muted); font-size: 13px; margin-bottom: 8px; }
.card-stats .big { font-size: 24px; font-weight: 700; color: var(--accent); }
.card-trend { font-size: 12px; color: var(--muted); min-height: 18px; }
.card blockquote { margin: 8px 0 0; font-style: italic; color: #3a3a3c; font-size: 13px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.alerts { margin-top: 18px; background: #fff6f2; border: 1px solid #f3d3c6; border-radius: 10px; padding: 4px 16px 8px; }
.alerts ul { margin: 0; padding-left: 18px; }
.linkish { font: inherit; background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; text-decoration: underline; }
.bar { margin-top: 36px; position: sticky; top: 0; background: var(--bg); padding: 8px 0; z-index: 3; }
#controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
body.hide-children table.hm tr.child { display: none; }
.toggle { font-size: 13px; margin-right: 14px; cursor: pointer; user-select: none; }
.metric-btn { font: inherit; font-size: 13px; border: 1px solid var(--line); background: #fff; border-radius: 999px; padding: 4px 12px; cursor: pointer; }
.emotion-select { font: inherit; font-size: 13px; border: 1px solid var(--line); border-radius: 999px; padding: 3px 8px; background: #fff; }
.metric-btn[aria-pressed="true"] { background: var(--ink); color: #fff; border-color: var(--ink); }
#legend { display: flex; gap: 8px; align-items: center; font-size: 12px; margin: 4px 0 0; flex-wrap: wrap; }
.legend-bar { display: inline-block; width: 140px; height: 10px; border-radius: 5px; }
.legend-note { color: var(--muted); margin-left: 12px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 24px; align-items: start; }
@media (max-width: 1000px) { .layout { grid-template-columns: 1fr; } }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
table.hm { border-collapse: separate; border-spacing: 2px; font-size: 13px; padding: 6px; width: 100%; }
table.hm th.col { font-weight: 600; font-size: 12px; color: #3a3a3c; padding: 4px 6px; min-width: 64px; vertical-align: bottom; }
table.hm th.corner { text-align: left; color: var(--muted); font-weight: 500; font-size: 12px; }
table.hm th.row { text-align: left; font-weight: 600; padding: 2px 10px 2px 4px; white-space: nowrap; max-width: 260px; overflow: hidden; text-overflow: ellipsis; }
.depth1 { padding-left: 18px !important; font-weight: 400 !important; }
.depth2, .depth3 { padding-left: 32px !important; font-weight: 400 !important; color: #3a3a3c; }
td.cell { text-align: center; padding: 6px 4px; border-radius: 4px; cursor: pointer; font-variant-numeric: tabular-nums; min-width: 64px; position: relative; }
td.cell.empty { background: #f3f1ed; cursor: default; }
td.cell.unassigned { background: repeating-linear-gradient(45deg, #eeeeee, #eeeeee 4px, #e4e4e4 4px, #e4e4e4 8px); color: #777; }
table.hm tr.unassigned th, table.hm tr.unassigned td { border-top: 2px dashed #ccc; }
table.hm th.col.unassigned { color: #888; font-style: italic; }
.legend-def { flex-basis: 100%; color: var(--muted); }
.per100 { font-size: 12px; }
td.cell.small { opacity: .55; }
td.cell.anomaly::after { content: "\\25B2"; position: absolute; top: 1px; right: 3px; font-size: 8px; }
td.cell:hover, td.cell:focus { outline: 2px solid #1d1d1f; outline-offset: -1px; }
td.cell.selected { outline: 3px solid #1d1d1f; outline-offset: -2px; }
#detail { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; position: sticky; top: 84px; max-height: calc(100vh - 100px); overflow: auto; margin-top: 40px; }
#detail h3 { margin-top: 0; font-size: 18px; }
dl.stats { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 8px 0; font-size: 13px; }
dl.stats dt { color: var(--muted); }
dl.stats dd { margin: 0; }
.small-caption { font-size: 12px; margin: 8px 0 2px; }
figure.quote { margin: 0 0 12px; }
figure.quote blockquote { margin: 0; padding: 8px 12px; border-left: 3px solid #e0a08a; background: #fcf8f5; border-radius: 0 6px 6px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
figure.quote figcaption { font-size: 12px; color: var(--muted); margin-top: 3px; }
table.plain { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); border-radius: 10px; font-size: 13px; }
table.plain th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--line); padding: 8px 10px; }
table.plain td { border-bottom: 1px solid #f0ede8; padding: 7px 10px; vertical-align: middle; }
table.plain tr.clickable { cursor: pointer; }
table.plain tr.clickable:hover td { background: #faf6f2; }
table.plain td.trend-up { color: var(--accent); font-weight: 600; }
table.kv td:first-child { color: var(--muted); width: 220px; }
table.kv thead { display: none; }
svg.spark { vertical-align: middle; }
#journey .journey-wrap { display: flex; gap: 18px; align-items: flex-start; overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
.journey-stages { display: grid; gap: 0; }
.journey-apart { border-left: 2px dashed var(--line); padding-left: 14px; width: 170px; flex: none; }
.stage { padding: 8px 10px; border-right: 1px solid #f0ede8; font-size: 13px; }
.stage.picked { background: #faf6f2; }
.stage.unassigned { color: var(--muted); background: #f3f1ed; border-radius: 8px; border: 0; }
.stage-name { font: inherit; font-weight: 650; font-size: 15px; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; text-align: left; text-decoration: underline dotted; }
.stage-vol { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
.stage-pain { border-radius: 6px; padding: 6px 8px; margin-bottom: 6px; background: #eeeae4; }
.stage-pain .big { font-size: 20px; font-weight: 700; }
.stage-pain .ci { font-size: 11px; opacity: .85; }
.stage-sent { font-size: 12px; margin-bottom: 6px; }
.stage-emotions { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 6px; }
button.emo { font: inherit; font-size: 12px; background: #fff; border: 2px solid #999; border-radius: 999px; padding: 1px 8px; cursor: pointer; }
.stage-sub { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.stage-pains { margin: 2px 0 0; padding-left: 18px; font-size: 12px; }
.emo-legend { display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; margin: 6px 0; }
.emo-key { border-left: 14px solid #999; padding-left: 5px; }
svg.curve { display: block; }
svg.curve .grid { stroke: #eee; }
svg.curve .axis { font-size: 10px; fill: #999; }
svg.curve .emo-dot { cursor: pointer; }
.journey-detail { margin-top: 12px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; max-width: 880px; }
.note-small { font-size: 12px; }
footer { margin-top: 48px; color: var(--muted); font-size: 12px; }
`;

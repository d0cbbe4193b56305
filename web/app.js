// app.js: the mv page: poster cards from mvserve's API, a movie view, a person view, paging, search, status.
// No build step, no library: plain DOM. Every text goes in with textContent, never as HTML.
'use strict';

const PER_PAGE = 24;
const view = document.getElementById('view');
const pager = document.getElementById('pager');
const qbox = document.getElementById('q');
const sortbox = document.getElementById('sort');

// el('a.poster', {href: '#'}, child...): a small element builder.
function el(spec, attrs, ...kids) {
	const [tag, ...classes] = spec.split('.');
	const e = document.createElement(tag);
	if (classes.length) e.className = classes.join(' ');
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'text') e.textContent = v;
		else e.setAttribute(k, v === true ? '' : v);
	}
	for (const k of kids) if (k) e.append(k);
	return e;
}

// GET a JSON document; throws an Error carrying the API's message.
async function api(path) {
	const r = await fetch(path, { headers: { Accept: 'application/json' } });
	let doc = null;
	try { doc = await r.json(); } catch (_) { /* not JSON */ }
	if (!r.ok) throw new Error(doc && doc.error ? doc.error.message : `${r.status} ${r.statusText}`);
	return doc;
}

// The hash is the state: #/?page=2&q=..&sort=.., #/movies/m6, #/people/p3?page=2
function parseHash() {
	const h = location.hash.replace(/^#/, '') || '/';
	const [path, query] = h.split('?');
	return { path, params: new URLSearchParams(query || '') };
}

function listHash(params) {
	const p = new URLSearchParams();
	for (const k of ['page', 'q', 'sort']) if (params[k]) p.set(k, params[k]);
	const s = p.toString();
	return '#/' + (s ? '?' + s : '');
}

// A poster: the cached image, or a tile with the title's initials.
function poster(url, title, big) {
	const cls = big ? 'img.poster.big' : 'img.poster';
	const tile = el(big ? 'div.poster.big.blank' : 'div.poster.blank', { 'aria-hidden': 'true' });
	tile.textContent = (title || '?').split(/\s+/).filter(Boolean).slice(0, 2)
		.map((w) => w[0].toUpperCase()).join('');
	if (!url) return tile;
	const img = el(cls, { src: url, alt: '', width: big ? 185 : 50, height: big ? 278 : 50, loading: 'lazy' });
	img.addEventListener('error', () => img.replaceWith(tile));
	return img;
}

// The "free" badge: a link to the provider page when MV_REGION's watch
// providers list a free or ad-supported offer.
function badge(free) {
	if (!free) return null;
	const label = free.offer === 'ads' ? 'free with ads' : 'free';
	const a = el(free.link ? 'a.badge' : 'span.badge', {
		href: free.link, target: free.link ? '_blank' : null,
		rel: free.link ? 'noopener noreferrer' : null,
		title: `${label} on ${free.provider}`, text: label,
	});
	return a;
}

// One card in the seed's style: poster, title, year; class "wrapper free"
// when the movie can be watched for free.
function card(m) {
	const c = el(m.free ? 'article.wrapper.free' : 'article.wrapper', { 'data-id': m.id, 'data-level': m.level });
	const link = el('a.open', { href: `#/movies/${m.id}`, title: `Open ${m.title}` },
		poster(m.poster, m.title),
		el('span.title', { text: m.title }),
		el('span.year', { text: m.year == null ? '—' : String(m.year) }));
	c.append(link);
	if (m.role) c.append(el('span.role', { text: m.role === 'cast' ? (m.character || 'cast') : (m.job || m.role) }));
	const b = badge(m.free);
	if (b) c.append(b);
	c.append(el('span.level', { text: m.level, title: `level ${m.level}, ${m.status}` }));
	return c;
}

function grid(items, empty) {
	if (!items.length) return el('p.note', { text: empty });
	return el('section.grid', { 'aria-label': 'Movies' }, ...items.map(card));
}

// Paging links from a PaginatedResponse; to(page) makes a hash.
function paging(res, to) {
	pager.replaceChildren();
	if (res.totalPages <= 1) return;
	pager.append(
		res.prev ? el('a.prev', { href: to(res.page - 1), rel: 'prev', text: '‹ previous' }) : el('span.prev', { text: '' }),
		el('span.where', { text: `page ${res.page} of ${res.totalPages} · ${res.totalItems} movies` }),
		res.next ? el('a.next', { href: to(res.page + 1), rel: 'next', text: 'next ›' }) : el('span.next', { text: '' }));
}

async function showList(params) {
	const page = params.get('page') || '1';
	const q = params.get('q') || '';
	const sort = params.get('sort') || 'title';
	qbox.value = q;
	sortbox.value = sort;
	const p = new URLSearchParams({ page, perPage: PER_PAGE, sort });
	if (q) p.set('q', q);
	const res = await api('/movies?' + p);
	document.title = q ? `“${q}” · mv` : 'mv · movie library';
	view.replaceChildren(
		el('h2', { text: q ? `Movies matching “${q}”` : 'Movies' }),
		grid(res.items, q ? 'No movie matches.' : 'The library is empty: drop a video into incoming/.'));
	paging(res, (n) => listHash({ page: n > 1 ? n : null, q, sort: sort !== 'title' ? sort : null }));
}

function fact(dl, name, value) {
	if (value === null || value === undefined || value === '' ||
		(Array.isArray(value) && !value.length)) return;
	dl.append(el('dt', { text: name }), el('dd', { text: Array.isArray(value) ? value.join(', ') : String(value) }));
}

function imageUrl(rel) {
	return rel && rel.startsWith('assets/images/') ? '/images/' + rel.slice('assets/images/'.length) : null;
}

// The movie view. Fetching /movies/{id} is what counts as opening it.
async function showMovie(id, params) {
	const level = params.get('level');
	const m = await api(`/movies/${encodeURIComponent(id)}` + (level ? `?level=${encodeURIComponent(level)}` : ''));
	pager.replaceChildren();
	document.title = `${m.title} · mv`;
	const wp = m.watchProviders || null;
	const free = wp && (wp.free || wp.ads) ? {
		provider: ((wp.free || wp.ads)[0] || {}).name, link: wp.link, offer: wp.free ? 'free' : 'ads',
	} : null;
	const dl = el('dl.facts');
	fact(dl, 'Original title', m.originalTitle !== m.title ? m.originalTitle : null);
	fact(dl, 'Released', m.releaseDate);
	fact(dl, 'Runtime', m.runtime ? `${m.runtime} min` : null);
	fact(dl, 'Genres', m.genres);
	fact(dl, 'Certification', m.certification);
	fact(dl, 'Countries', m.productionCountries);
	fact(dl, 'Level', `${m.level} (${m.status})`);
	fact(dl, 'File', m.video ? m.video.path : null);
	if (wp) {
		for (const k of ['free', 'ads', 'flatrate', 'rent', 'buy'])
			fact(dl, `Watch (${k}, ${wp.region})`, (wp[k] || []).map((p) => p.name));
	}
	const body = el('div.about', {},
		el('h2', { text: m.title },
			el('span.year', { text: m.year == null ? '' : ` (${m.year})` })),
		m.tagline ? el('p.tagline', { text: m.tagline }) : null,
		m.overview ? el('p.overview', { text: m.overview }) : null,
		badge(free),
		dl);
	const people = el('ul.people');
	const credits = m.credits || {};
	for (const c of (credits.crew || []).filter((c) => c.job === 'Director'))
		people.append(el('li', {}, el('a', { href: `#/people/${c.person}`, text: c.name }), el('span', { text: ` · ${c.job}` })));
	for (const c of (credits.cast || []).slice(0, 12))
		people.append(el('li', {}, el('a', { href: `#/people/${c.person}`, text: c.name }), el('span', { text: c.character ? ` · ${c.character}` : '' })));
	const more = m.level !== 'deep' ? el('p.note', {},
		'Opening a movie asks for its next level. ',
		el('a', { href: `#/movies/${m.id}?level=deep`, text: 'Ask for everything (deep)' }),
		'; reload in a moment to see it.') : null;
	view.replaceChildren(el('article.detail' + (free ? '.free' : ''), { 'data-id': m.id },
		poster(imageUrl(m.images && m.images.poster), m.title, true),
		body,
		people.children.length ? el('section.cast', {}, el('h3', { text: 'People' }), people) : null,
		more));
}

async function showPerson(id, params) {
	const page = params.get('page') || '1';
	const [p, res] = await Promise.all([
		api(`/people/${encodeURIComponent(id)}`),
		api(`/people/${encodeURIComponent(id)}/movies?sort=year&perPage=${PER_PAGE}&page=${encodeURIComponent(page)}`),
	]);
	document.title = `${p.name} · mv`;
	const dl = el('dl.facts');
	fact(dl, 'Known for', p.knownForDepartment);
	fact(dl, 'Born', [p.birthday, p.placeOfBirth].filter(Boolean).join(', '));
	fact(dl, 'Died', p.deathday);
	view.replaceChildren(
		el('article.detail.person', { 'data-id': p.id },
			poster(imageUrl(p.image), p.name, true),
			el('div.about', {}, el('h2', { text: p.name }),
				p.biography ? el('p.overview', { text: p.biography }) : null, dl)),
		el('h3', { text: 'In the library' }),
		grid(res.items, 'None of their movies is in the library.'));
	paging(res, (n) => `#/people/${p.id}` + (n > 1 ? `?page=${n}` : ''));
}

async function route() {
	const { path, params } = parseHash();
	const parts = path.split('/').filter(Boolean);
	view.setAttribute('aria-busy', 'true');
	try {
		if (parts.length === 0) await showList(params);
		else if (parts[0] === 'movies' && parts.length === 2) await showMovie(parts[1], params);
		else if (parts[0] === 'people' && parts.length === 2) await showPerson(parts[1], params);
		else throw new Error('no such page');
	} catch (e) {
		pager.replaceChildren();
		view.replaceChildren(el('p.error', { role: 'alert', text: e.message }), el('p', {}, el('a', { href: '#/', text: 'Back to the library' })));
	}
	view.removeAttribute('aria-busy');
	document.body.dataset.ready = 'true';
}

// The status panel: pipeline up or down, movies by level.
async function status() {
	try {
		const h = await api('/health');
		document.getElementById('pipeline').textContent = `pipeline ${h.pipeline}`;
		document.getElementById('pipeline-dot').className = 'dot ' + h.pipeline;
		const l = h.levels;
		document.getElementById('counts').textContent =
			`${h.movies} movies · ${l.deep} deep · ${l.medium} medium · ${l.basic} basic · ${l.minimal} minimal · ${h.people} people`;
		document.getElementById('version').textContent = h.version;
	} catch (e) {
		document.getElementById('pipeline').textContent = 'server unreachable';
		document.getElementById('pipeline-dot').className = 'dot down';
	}
}

document.getElementById('search').addEventListener('submit', (ev) => {
	ev.preventDefault();
	location.hash = listHash({ q: qbox.value.trim(), sort: sortbox.value !== 'title' ? sortbox.value : null });
});
let typing;
qbox.addEventListener('input', () => {
	clearTimeout(typing);
	typing = setTimeout(() => document.getElementById('search').requestSubmit(), 250);
});
sortbox.addEventListener('change', () => document.getElementById('search').requestSubmit());
window.addEventListener('hashchange', route);
route();
status();
setInterval(status, 10000);

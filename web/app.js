// app.js: the mv page: poster cards from mvserve's API, a movie view, a person view, paging, search, status.
// No build step, no library: plain DOM. Every text goes in with textContent, never as HTML.
'use strict';

const PER_PAGE = 24;
// ?lang=fr-FR on the page's URL goes to every API call; without it the
// server answers in the browser's Accept-Language, else its setting.
const LANG_ARG = new URLSearchParams(location.search).get('lang');
let lang = LANG_ARG || navigator.language || 'en-US';

// The page's own words, in English and French; words(lang) picks them.
const WORDS = {
	en: {
		search: 'Search titles', sortBy: 'Sort by', title: 'Title', newest: 'Newest', oldest: 'Oldest',
		added: 'Recently added', opened: 'Recently opened', all: 'All movies',
		free: 'free', freeAds: 'free with ads', on: (what, p) => `${what} on ${p}`,
		watch: (t, what, p) => `Watch ${t} (${what}) on ${p}`, open: (t) => `Open ${t}`,
		prev: '‹ previous', next: 'next ›', where: (p, n, t) => `page ${p} of ${n} · ${t} movies`,
		movies: 'Movies', matching: (q) => `Movies matching “${q}”`, noMatch: 'No movie matches.',
		empty: 'The library is empty: drop a video into incoming/.',
		originalTitle: 'Original title', released: 'Released', runtime: 'Runtime', minutes: 'min',
		genres: 'Genres', certification: 'Certification', countries: 'Countries', level: 'Level',
		file: 'File', watchIn: (k, r) => `Watch (${k}, ${r})`, people: 'People',
		videos: 'Videos', part: (n) => `Part ${n}`, subtitles: 'Subtitles', forced: 'forced', sdh: 'SDH',
		parts: (n) => `${n} parts`, versions: (n) => `${n} versions`,
		more: 'Opening a movie asks for its next level. ', everything: 'Ask for everything (deep)',
		reload: '; reload in a moment to see it.', knownFor: 'Known for', born: 'Born', died: 'Died',
		inLibrary: 'In the library', noneInLibrary: 'None of their movies is in the library.',
		back: 'Back to the library', noPage: 'no such page', unreachable: 'server unreachable',
		pipeline: (s) => `pipeline ${s}`,
		counts: (h, l) => `${h.movies} movies · ${l.deep} deep · ${l.medium} medium · ${l.basic} basic · ${l.minimal} minimal · ${h.people} people`,
		library: 'mv · movie library',
	},
	fr: {
		search: 'Chercher un titre', sortBy: 'Trier par', title: 'Titre', newest: 'Plus récents', oldest: 'Plus anciens',
		added: 'Ajoutés récemment', opened: 'Ouverts récemment', all: 'Tous les films',
		free: 'gratuit', freeAds: 'gratuit avec pub', on: (what, p) => `${what} sur ${p}`,
		watch: (t, what, p) => `Regarder ${t} (${what}) sur ${p}`, open: (t) => `Ouvrir ${t}`,
		prev: '‹ précédente', next: 'suivante ›', where: (p, n, t) => `page ${p} sur ${n} · ${t} films`,
		movies: 'Films', matching: (q) => `Films correspondant à « ${q} »`, noMatch: 'Aucun film ne correspond.',
		empty: 'La bibliothèque est vide : déposez une vidéo dans incoming/.',
		originalTitle: 'Titre original', released: 'Sortie', runtime: 'Durée', minutes: 'min',
		genres: 'Genres', certification: 'Classification', countries: 'Pays', level: 'Niveau',
		file: 'Fichier', watchIn: (k, r) => `Regarder (${k}, ${r})`, people: 'Équipe',
		videos: 'Vidéos', part: (n) => `Partie ${n}`, subtitles: 'Sous-titres', forced: 'forcés', sdh: 'SME',
		parts: (n) => `${n} parties`, versions: (n) => `${n} versions`,
		more: 'Ouvrir un film demande son niveau suivant. ', everything: 'Tout demander (deep)',
		reload: ' ; rechargez dans un instant pour le voir.', knownFor: 'Connu pour', born: 'Naissance', died: 'Décès',
		inLibrary: 'Dans la bibliothèque', noneInLibrary: 'Aucun de ses films n’est dans la bibliothèque.',
		back: 'Retour à la bibliothèque', noPage: 'page introuvable', unreachable: 'serveur injoignable',
		pipeline: (s) => `pipeline ${s === 'up' ? 'en marche' : 'arrêté'}`,
		counts: (h, l) => `${h.movies} films · ${l.deep} deep · ${l.medium} medium · ${l.basic} basic · ${l.minimal} minimal · ${h.people} personnes`,
		library: 'mv · bibliothèque de films',
	},
};
const words = () => WORDS[lang.split('-')[0]] || WORDS.en;

// An API path with the page's ?lang= when it has one.
function withLang(path) {
	return LANG_ARG ? path + (path.includes('?') ? '&' : '?') + 'lang=' + encodeURIComponent(LANG_ARG) : path;
}

// The title and overview of a profile in lang: lib/movie.c's
// mv_movie_title_for, which the listings' displayTitle comes from.
function byLang(map, want, anyCountry) {
	if (!map) return null;
	const bare = want.split('-')[0];
	if (map[want]) return map[want];
	if (map[bare]) return map[bare];
	if (!anyCountry) return null;
	const k = Object.keys(map).find((k) => k.startsWith(bare + '-') && map[k]);
	return k ? map[k] : null;
}
function shownTitle(m) {
	if (m.displayTitle) return m.displayTitle;
	return byLang(m.titles, lang, false) ||
		(m.originalTitle && m.originalLanguage === lang.split('-')[0] ? m.originalTitle : null) ||
		byLang(m.titles, lang, true) || m.title;
}
function shownOverview(m) {
	return byLang(m.overviews, lang, true) || m.overview;
}
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
	const r = await fetch(withLang(path), { headers: { Accept: 'application/json' } });
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
function badge(free, title) {
	if (!free) return null;
	const w = words();
	const label = free.offer === 'ads' ? w.freeAds : w.free;
	const a = el(free.link ? 'a.badge' : 'span.badge', {
		href: free.link, target: free.link ? '_blank' : null,
		rel: free.link ? 'noopener noreferrer' : null,
		title: title ? w.watch(title, label, free.provider) : w.on(label, free.provider), text: label,
	});
	return a;
}

// A subtitle's tag as the index gives it ("fr.forced") or a profile's
// {lang, forced, sdh}: its language in the page's words, its flags after.
function subtitleName(sub) {
	const w = words();
	const [code, ...flags] = typeof sub === 'string' ? sub.split('.') :
		[sub.lang, sub.forced ? 'forced' : null, sub.sdh ? 'sdh' : null].filter(Boolean);
	let name = code;
	try {
		if (code !== 'und') name = new Intl.DisplayNames([lang], { type: 'language' }).of(code) || code;
	} catch (_) { /* not a language tag Intl knows: the code itself */ }
	return flags.length ? `${name} (${flags.map((f) => w[f] || f).join(', ')})` : name;
}
function subtitleTag(sub) {
	return typeof sub === 'string' ? sub :
		[sub.lang, sub.forced ? 'forced' : null, sub.sdh ? 'sdh' : null].filter(Boolean).join('.');
}

// A card's one line about its files, from the index item's videos (absent
// for one plain video): "2 parts", "3 versions", and the subtitles'
// languages.
function cardVideos(m) {
	const vs = m.videos || [];
	const w = words();
	const parts = vs.filter((v) => v.part).length;
	const count = parts > 1 && parts === vs.length ? w.parts(parts) : vs.length > 1 ? w.versions(vs.length) : null;
	const langs = [...new Set(vs.flatMap((v) => v.subtitles || []).map((t) => t.split('.')[0]))];
	const text = [count, langs.length ? `${w.subtitles}: ${langs.join(', ')}` : null].filter(Boolean).join(' · ');
	return text ? el('span.videos', { text }) : null;
}

// One card in the seed's style: poster, title, year; class "wrapper free"
// when the movie can be watched for free.
function card(m) {
	const c = el(m.free ? 'article.wrapper.free' : 'article.wrapper', { 'data-id': m.id, 'data-level': m.level });
	const title = shownTitle(m);
	const link = el('a.open', { href: `#/movies/${m.id}`, title: words().open(title) },
		poster(m.poster, title),
		el('span.title', { text: title }),
		el('span.year', { text: m.year == null ? '—' : String(m.year) }));
	c.append(link);
	const files = cardVideos(m);
	if (files) c.append(files);
	if (m.role) c.append(el('span.role', { text: m.role === 'cast' ? (m.character || 'cast') : (m.job || m.role) }));
	const b = badge(m.free, title);
	if (b) c.append(b);
	c.append(el('span.level', { text: m.level, title: `level ${m.level}, ${m.status}` }));
	return c;
}

function grid(items, empty) {
	if (!items.length) return el('p.note', { text: empty });
	return el('section.grid', { 'aria-label': words().movies }, ...items.map(card));
}

// Paging links from a PaginatedResponse; to(page) makes a hash.
function paging(res, to) {
	pager.replaceChildren();
	if (res.totalPages <= 1) return;
	const w = words();
	pager.append(
		res.prev ? el('a.prev', { href: to(res.page - 1), rel: 'prev', text: w.prev }) : el('span.prev', { text: '' }),
		el('span.where', { text: w.where(res.page, res.totalPages, res.totalItems) }),
		res.next ? el('a.next', { href: to(res.page + 1), rel: 'next', text: w.next }) : el('span.next', { text: '' }));
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
	const w = words();
	document.title = q ? `“${q}” · mv` : w.library;
	view.replaceChildren(
		el('h2', { text: q ? w.matching(q) : w.movies }),
		grid(res.items, q ? w.noMatch : w.empty));
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

// A movie's videos, one item each: its label (part, edition, quality),
// its file name, then its subtitles by language.
function videoList(videos) {
	if (!videos.length) return null;
	const w = words();
	const ul = el('ul.videos');
	for (const v of videos) {
		const label = [v.part ? w.part(v.part) : null, v.edition, v.quality].filter(Boolean).join(' · ');
		const li = el('li.video', { 'data-part': v.part || null },
			label ? el('span.label', { text: label }) : null,
			el('span.file', { text: v.path.split('/').pop(), title: v.path }));
		const subs = v.subtitles || [];
		if (subs.length) {
			const list = el('span.subs', { text: `${w.subtitles}: ` });
			subs.forEach((sub, i) => {
				if (i) list.append(', ');
				list.append(el('span.sub', { 'data-tag': subtitleTag(sub), text: subtitleName(sub) }));
			});
			li.append(list);
		}
		ul.append(li);
	}
	return ul;
}

// The movie view. Fetching /movies/{id} is what counts as opening it.
async function showMovie(id, params) {
	const level = params.get('level');
	const m = await api(`/movies/${encodeURIComponent(id)}` + (level ? `?level=${encodeURIComponent(level)}` : ''));
	pager.replaceChildren();
	const w = words();
	const title = shownTitle(m);
	document.title = `${title} · mv`;
	const wp = m.watchProviders || null;
	const free = wp && (wp.free || wp.ads) ? {
		provider: ((wp.free || wp.ads)[0] || {}).name, link: wp.link, offer: wp.free ? 'free' : 'ads',
	} : null;
	const dl = el('dl.facts');
	fact(dl, w.originalTitle, m.originalTitle !== title ? m.originalTitle : null);
	fact(dl, w.released, m.releaseDate);
	fact(dl, w.runtime, m.runtime ? `${m.runtime} ${w.minutes}` : null);
	fact(dl, w.genres, m.genres);
	fact(dl, w.certification, m.certification);
	fact(dl, w.countries, m.productionCountries);
	fact(dl, w.level, `${m.level} (${m.status})`);
	// Every filed video (videos[], schemaVersion 2): parts and versions
	// with their labels, and the languages of their subtitles.
	const vids = videoList(m.videos || []);
	if (vids) dl.append(el('dt', { text: vids.children.length > 1 ? w.videos : w.file }), el('dd', {}, vids));
	if (wp) {
		for (const k of ['free', 'ads', 'flatrate', 'rent', 'buy'])
			fact(dl, w.watchIn(k, wp.region), (wp[k] || []).map((p) => p.name));
	}
	const overview = shownOverview(m);
	const body = el('div.about', {},
		el('h2', { text: title },
			el('span.year', { text: m.year == null ? '' : ` (${m.year})` })),
		m.tagline ? el('p.tagline', { text: m.tagline }) : null,
		overview ? el('p.overview', { text: overview }) : null,
		badge(free, title),
		dl);
	const people = el('ul.people');
	const credits = m.credits || {};
	for (const c of (credits.crew || []).filter((c) => c.job === 'Director'))
		people.append(el('li', {}, el('a', { href: `#/people/${c.person}`, text: c.name }), el('span', { text: ` · ${c.job}` })));
	for (const c of (credits.cast || []).slice(0, 12))
		people.append(el('li', {}, el('a', { href: `#/people/${c.person}`, text: c.name }), el('span', { text: c.character ? ` · ${c.character}` : '' })));
	const more = m.level !== 'deep' ? el('p.note', {},
		w.more,
		el('a', { href: `#/movies/${m.id}?level=deep`, text: w.everything }),
		w.reload) : null;
	view.replaceChildren(el('article.detail' + (free ? '.free' : ''), { 'data-id': m.id },
		// Below deep, the card's small poster rather than initials.
		poster(imageUrl((m.images && m.images.poster) || m.cardPoster), title, true),
		body,
		people.children.length ? el('section.cast', {}, el('h3', { text: w.people }), people) : null,
		more));
}

async function showPerson(id, params) {
	const page = params.get('page') || '1';
	const [p, res] = await Promise.all([
		api(`/people/${encodeURIComponent(id)}`),
		api(`/people/${encodeURIComponent(id)}/movies?sort=year&perPage=${PER_PAGE}&page=${encodeURIComponent(page)}`),
	]);
	document.title = `${p.name} · mv`;
	const w = words();
	const dl = el('dl.facts');
	fact(dl, w.knownFor, p.knownForDepartment);
	fact(dl, w.born, [p.birthday, p.placeOfBirth].filter(Boolean).join(', '));
	fact(dl, w.died, p.deathday);
	view.replaceChildren(
		el('article.detail.person', { 'data-id': p.id },
			poster(imageUrl(p.image), p.name, true),
			el('div.about', {}, el('h2', { text: p.name }),
				p.biography ? el('p.overview', { text: p.biography }) : null, dl)),
		el('h3', { text: w.inLibrary }),
		grid(res.items, w.noneInLibrary));
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
		else throw new Error(words().noPage);
	} catch (e) {
		pager.replaceChildren();
		view.replaceChildren(el('p.error', { role: 'alert', text: e.message }), el('p', {}, el('a', { href: '#/', text: words().back })));
	}
	view.removeAttribute('aria-busy');
	document.body.dataset.ready = 'true';
}

// The status panel: pipeline up or down, movies by level.
async function status() {
	try {
		const h = await api('/health');
		if (h.language && h.language !== lang) {
			lang = h.language;
			translatePage();
		}
		document.getElementById('pipeline').textContent = words().pipeline(h.pipeline);
		document.getElementById('pipeline-dot').className = 'dot ' + h.pipeline;
		document.getElementById('counts').textContent = words().counts(h, h.levels);
		document.getElementById('version').textContent = h.version;
	} catch (e) {
		document.getElementById('pipeline').textContent = words().unreachable;
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
// The words of index.html in the page's language.
function translatePage() {
	const w = words();
	document.documentElement.lang = lang.split('-')[0];
	qbox.placeholder = w.search;
	qbox.setAttribute('aria-label', w.search);
	sortbox.setAttribute('aria-label', w.sortBy);
	const names = { title: w.title, '-year': w.newest, year: w.oldest, added: w.added, lastRead: w.opened };
	for (const o of sortbox.options) if (names[o.value]) o.textContent = names[o.value];
	document.querySelector('header h1 a').title = w.all;
}

window.addEventListener('hashchange', route);
// The server says which language this page is in (/health's language,
// from ?lang=, Accept-Language or its setting) before the first view.
translatePage();
status().then(route);
setInterval(status, 10000);

// page.mjs: drive Debian's Chromium through mvserve's page with puppeteer-core, as a person would.
//
//   node tests/browser/page.mjs URL MOVIE_ID EVENTS_FILE SHOT_DIR
//
// URL is mvserve's root; MOVIE_ID the id of TMDB 63 (deep, free on Arte);
// EVENTS_FILE mvserve's standard output (where mv.movie.requested lands
// when no pipeline runs). Checks the cards and the free badge, that the
// list emits nothing, clicks the card of 63 and waits for its event, opens
// a person, searches; saves SHOT_DIR/grid.png, detail.png, person.png.
// Prints one "ok - ..." line per check; exits 1 at the first failure.
import fs from 'node:fs';
import path from 'node:path';
import { browse, check } from './chromium.mjs';

const [url, movie, eventsFile, shots] = process.argv.slice(2);
if (!shots) {
	console.error('usage: page.mjs URL MOVIE_ID EVENTS_FILE SHOT_DIR');
	process.exit(64);
}

// The mv.movie.requested lines mvserve printed so far.
function events() {
	const text = fs.existsSync(eventsFile) ? fs.readFileSync(eventsFile, 'utf8') : '';
	return text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
		.filter((e) => e.type === 'mv.movie.requested');
}

async function until(what, fn, ms = 5000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out: ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

// Nothing but mvserve is ever contacted: browse aborts the rest and lists it in problems.
await browse(url, [], async (page, problems) => {
	await page.goto(url, { waitUntil: 'networkidle0' });
	await page.waitForSelector('body[data-ready="true"] .grid');
	const cards = await page.$$eval('article.wrapper', (cs) => cs.map((c) => ({
		id: c.dataset.id, cls: c.className,
		title: c.querySelector('.title')?.textContent,
		year: c.querySelector('.year')?.textContent,
		poster: !!c.querySelector('.poster'),
		badge: c.querySelector('.badge')?.textContent,
		href: c.querySelector('a.badge')?.getAttribute('href'),
	})));
	check(cards.length === 10, 'the grid shows the 10 movies of the library', cards.length);
	check(cards.every((c) => c.title && c.year && c.poster), 'every card has a poster, a title and a year');
	const m63 = cards.find((c) => c.id === movie);
	check(m63 && m63.title === 'Twelve Monkeys' && m63.year === '1995', 'the card of 63 is Twelve Monkeys (1995)', m63);
	check(m63.cls === 'wrapper free', 'the card of 63 is marked class="wrapper free"', m63.cls);
	check(m63.badge === 'free' && m63.href === 'https://www.themoviedb.org/movie/63-twelve-monkeys/watch?locale=FR',
		'its free badge links to the provider page', m63);
	check(cards.filter((c) => c.cls.includes('free')).length === 1, 'no other card has a free badge');
	const img = await page.$eval(`article.wrapper[data-id="${movie}"] img.poster`,
		(i) => ({ w: i.naturalWidth, h: i.naturalHeight, src: i.getAttribute('src'), shown: i.getBoundingClientRect().width }));
	check(img.w > 0 && img.shown === 50 && img.src === `/images/${movie}-card-w92.jpg`,
		'the poster of 63 is loaded from /images/ and shown 50 wide', img);
	const status = await until('the status panel', () =>
		page.$eval('#status', (s) => s.textContent.includes('movies') && s.textContent.replace(/\s+/g, ' ').trim()));
	check(/pipeline down/.test(status) && /10 movies · 1 deep/.test(status), 'the status panel shows the pipeline and the levels', status);
	check(events().length === 0, 'showing the grid requests nothing', events());
	await page.screenshot({ path: path.join(shots, 'grid.png') });

	// Open the movie like a person: click its card.
	await page.click(`article.wrapper[data-id="${movie}"] a.open`);
	await page.waitForSelector(`article.detail[data-id="${movie}"] h2`);
	const detail = await page.$eval('article.detail', (d) => ({
		cls: d.className, h2: d.querySelector('h2').textContent,
		people: d.querySelectorAll('.people a').length,
	}));
	check(detail.h2.startsWith('Twelve Monkeys') && detail.cls.includes('free'), 'the click opens the detail view', detail);
	check(detail.people > 0, 'the detail view lists people', detail);
	const ev = await until('mv.movie.requested', () => events().length > 0 && events());
	check(ev.length === 1 && ev[0].data.id === movie && ev[0].subject === movie && ev[0].source === 'mvserve',
		'the click emitted one mv.movie.requested for the movie', ev);
	await page.screenshot({ path: path.join(shots, 'detail.png') });

	// A person and their movies.
	await page.click('article.detail .people a');
	await page.waitForSelector('article.detail.person h2');
	const person = await page.$$eval('article.wrapper', (cs) => cs.map((c) => c.dataset.id));
	check(person.includes(movie), "the person view lists the person's movies", person);
	await page.screenshot({ path: path.join(shots, 'person.png') });

	// Search: the grid narrows to what matches the folded title.
	await page.goto(url + '#/', { waitUntil: 'networkidle0' });
	await page.waitForSelector('.grid');
	await page.type('#q', 'MONKEYS');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => document.querySelectorAll('article.wrapper').length === 1);
	check(await page.$eval('article.wrapper', (c) => c.dataset.id) === movie, 'searching "MONKEYS" finds only 63');
	check(events().length === 1, 'browsing and searching requested nothing more', events().length);
	check(problems.length === 0, 'no script error, CSP violation or outside request', problems);
});

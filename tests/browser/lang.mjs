// lang.mjs: the card of TMDB 63 in a browser of one language, through Debian's Chromium and puppeteer-core.
//
//   node tests/browser/lang.mjs URL MOVIE_ID LANG TITLE SHOT
//
// URL is mvserve's root; MOVIE_ID the id of TMDB 63 (deep: poster, Arte's
// free offer in FR); LANG the browser's language (navigator.language and
// Accept-Language); TITLE the title its card must show. Checks the page's
// words, the card (title, class "wrapper free", a loaded 50x50 poster, the
// watch link titled in LANG), and that searching "singes" finds it; saves
// the grid to SHOT. One "ok - ..." line per check; exits 1 at the first
// failure.
import { browse, check } from './chromium.mjs';

const [url, movie, lang, title, shot] = process.argv.slice(2);
if (!shot) {
	console.error('usage: lang.mjs URL MOVIE_ID LANG TITLE SHOT');
	process.exit(64);
}
const fr = lang.startsWith('fr');
// TMDB's watch page for the region: TMDB gives no deeper link.
const WATCH = 'https://www.themoviedb.org/movie/63-twelve-monkeys/watch?locale=FR';

// A browser set to LANG: both what the page reads and what it sends.
await browse(url, [`--lang=${lang}`], async (page, problems) => {
	await page.setExtraHTTPHeaders({ 'Accept-Language': `${lang},${lang.split('-')[0]};q=0.9` });
	await page.evaluateOnNewDocument((l) => {
		Object.defineProperty(navigator, 'language', { get: () => l });
		Object.defineProperty(navigator, 'languages', { get: () => [l] });
	}, lang);

	await page.goto(url, { waitUntil: 'networkidle0' });
	await page.waitForSelector('body[data-ready="true"] .grid');
	const words = await page.evaluate(() => ({
		lang: document.documentElement.lang, search: document.getElementById('q').placeholder,
	}));
	check(words.lang === lang.split('-')[0] && words.search === (fr ? 'Chercher un titre' : 'Search titles'),
		`the page's own words are in ${lang}`, words);
	const sel = `article.wrapper[data-id="${movie}"]`;
	const card = await page.$eval(sel, (c) => ({
		cls: c.className, title: c.querySelector('.title')?.textContent,
		year: c.querySelector('.year')?.textContent,
	}));
	check(card.title === title && card.year === '1995', `the card of 63 shows ${title} (1995)`, card);
	check(card.cls === 'wrapper free', 'it carries class "wrapper free" (a free offer in FR)', card.cls);
	// The poster: a real image, decoded, shown 50x50.
	await page.$eval(`${sel} img.poster`, (i) => i.decode());
	const img = await page.$eval(`${sel} img.poster`, (i) => {
		const r = i.getBoundingClientRect();
		return { complete: i.complete, w: i.naturalWidth, h: i.naturalHeight, src: i.getAttribute('src'),
			shownW: r.width, shownH: r.height };
	});
	check(img.complete && img.w > 0 && img.h > 0 && img.src.startsWith('/images/'),
		'its poster is an image loaded from mvserve', img);
	check(img.shownW === 50 && img.shownH === 50, 'the poster is shown 50x50', img);
	const link = await page.$eval(`${sel} a.badge`, (a) => ({
		href: a.getAttribute('href'), title: a.title, text: a.textContent, target: a.target,
	}));
	check(link.href === WATCH && link.target === '_blank', "it links to TMDB's watch page for FR", link);
	const want = fr ? `Regarder ${title} (gratuit) sur Arte` : `Watch ${title} (free) on Arte`;
	check(link.title === want && link.text === (fr ? 'gratuit' : 'free'), `the link is titled in ${lang}`, link);
	await page.screenshot({ path: shot });

	// The search box: "singes" folds to the French title in any language.
	await page.type('#q', 'singes');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => location.hash.includes('q=singes') &&
		document.body.dataset.ready === 'true' && document.querySelectorAll('article.wrapper').length === 1);
	const found = await page.$eval('article.wrapper', (c) => [c.dataset.id, c.querySelector('.title').textContent]);
	check(found[0] === movie && found[1] === title, 'searching "singes" finds only 63, under the same title', found);
	check(problems.length === 0, 'no script error, CSP violation or outside request', problems);
});

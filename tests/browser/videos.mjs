// videos.mjs: a movie's versions, parts and subtitle languages on mvserve's page, through Debian's Chromium and puppeteer-core.
//
//   node tests/browser/videos.mjs URL MOVIE_ID PARTS_ID SHOT
//
// URL is mvserve's root; MOVIE_ID a movie with two versions (the first
// with English and forced French subtitles, a "Director's Cut" with SDH
// German ones); PARTS_ID a movie in two parts. The page is in English
// (?lang=en-US). Checks the cards' line about their files, then each
// movie's view: one item per video with its label, its file name and its
// subtitles by language; saves the first view to SHOT. One "ok - ..."
// line per check; exits 1 at the first failure.
import { browse, check } from './chromium.mjs';

const [url, movie, parts, shot] = process.argv.slice(2);
if (!shot) {
	console.error('usage: videos.mjs URL MOVIE_ID PARTS_ID SHOT');
	process.exit(64);
}

// What the movie view shows of each video.
function videosOf(page) {
	return page.$$eval('article.detail ul.videos li.video', (ls) => ls.map((l) => ({
		label: l.querySelector('.label')?.textContent || null,
		file: l.querySelector('.file').textContent,
		subs: l.querySelector('.subs')?.textContent || null,
		tags: [...l.querySelectorAll('.sub')].map((s) => s.dataset.tag),
	})));
}

await browse(url, ['--lang=en-US'], async (page, problems) => {
	const root = url + '?lang=en-US';

	// The cards: from the index items' videos, without opening anything.
	await page.goto(root + '#/', { waitUntil: 'networkidle0' });
	await page.waitForSelector('body[data-ready="true"] .grid');
	const lines = await page.$$eval('article.wrapper', (cs) => Object.fromEntries(cs.map((c) =>
		[c.dataset.id, c.querySelector('.videos')?.textContent || null])));
	check(lines[movie] === '2 versions · Subtitles: en, fr, de', 'the card of the movie names its versions and subtitle languages', lines[movie]);
	check(lines[parts] === '2 parts', 'the card of the film in parts says so', lines[parts]);
	check(Object.entries(lines).filter(([id, t]) => t && id !== movie && id !== parts).length === 0,
		'a card of one plain video has no such line', lines);

	// The movie's view: each version, labelled, with its subtitles.
	await page.goto(root + `#/movies/${movie}`, { waitUntil: 'networkidle0' });
	await page.waitForSelector(`body[data-ready="true"] article.detail[data-id="${movie}"] ul.videos`);
	const v = await videosOf(page);
	check(v.length === 2, 'the view lists both versions', v);
	check(v[0].label === null && v[0].file.endsWith('].mkv'), 'the first is the film, unlabelled', v[0]);
	check(v[0].subs === 'Subtitles: English, French (forced)' && v[0].tags.join() === 'en,fr.forced',
		'its subtitles are shown by language, forced marked', v[0]);
	check(v[1].label === "Director's Cut" && v[1].file.endsWith(" - Director's Cut.mkv"),
		"the second is labelled Director's Cut", v[1]);
	check(v[1].subs === 'Subtitles: German (SDH)' && v[1].tags.join() === 'de.sdh',
		'its SDH German subtitles are shown', v[1]);
	const dt = await page.$eval('article.detail ul.videos', (u) => u.closest('dd').previousElementSibling.textContent);
	check(dt === 'Videos', 'the list is headed Videos', dt);
	await page.screenshot({ path: shot });

	// The film in parts: each part by its number.
	await page.goto(root + `#/movies/${parts}`, { waitUntil: 'networkidle0' });
	await page.waitForSelector(`body[data-ready="true"] article.detail[data-id="${parts}"] ul.videos`);
	const p = await videosOf(page);
	check(p.map((x) => x.label).join() === 'Part 1,Part 2' && p[1].file.endsWith(' - part2.mkv') &&
		p.every((x) => x.subs === null), 'the parts are listed in order, by number', p);
	check(problems.length === 0, 'no script error, CSP violation or outside request', problems);
});

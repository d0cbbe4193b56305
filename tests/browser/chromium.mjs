// chromium.mjs: what the browser tests share: Debian's Chromium under puppeteer-core, TAP checks, a page that may contact mvserve only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

let n = 0, reported = false;

// One TAP line for the check; throws at the first failure, which
// browse() reports once and turns into exit status 1.
export function check(cond, what, detail) {
	n++;
	if (!cond) {
		reported = true;
		console.log(`not ok ${n} - ${what}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
		throw new Error(what);
	}
	console.log(`ok ${n} - ${what}`);
}

// Run body(page, problems) in a fresh headless Chromium (own profile
// directory, removed after; args: extra flags) on a 1100x760 page that
// may contact url's origin only: script errors, console errors and
// requests elsewhere (aborted) go to problems, for the test to check.
// Exits the process: 0, or 1 once a check or the body failed.
export async function browse(url, args, body) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mv-chromium-'));
	const browser = await puppeteer.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		userDataDir: profile,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
			'--disable-dev-shm-usage', ...args],
	});
	let code = 0;
	try {
		const page = await browser.newPage();
		await page.setViewport({ width: 1100, height: 760 });
		const problems = [];
		page.on('pageerror', (e) => problems.push(String(e)));
		page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
		await page.setRequestInterception(true);
		page.on('request', (r) => {
			if (new URL(r.url()).origin === new URL(url).origin) r.continue();
			else { problems.push(`request outside mvserve: ${r.url()}`); r.abort(); }
		});
		await body(page, problems);
	} catch (e) {
		if (!reported) console.log(`not ok ${n + 1} - ${e.message}`);
		code = 1;
	} finally {
		await browser.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
	process.exit(code);
}

import { strict as assert } from 'node:assert';
import { KNOWN_REFERRERS } from '../../src/counting/sources/known-referrers.js';
import { referrerSource } from '../../src/counting/sources/referrer.js';

const PAGE = 'https://longhuu.tphcm.gov.vn';
const SITE_ORIGINS = ['https://longhuu.tphcm.gov.vn', 'https://longhuu.vn'];

function sourceOf(referrer: string | null | undefined): string | undefined {
  return referrerSource(referrer, PAGE, SITE_ORIGINS);
}

describe('referrer sources', () => {
  describe('no referrer is (direct)', () => {
    const cases: Array<string | null | undefined> = [
      null,
      undefined,
      '',
      '   ',
      'null',
      'not a url',
      'https://',
      'about:blank',
      'about:srcdoc',
      'file:///C:/Users/an/Desktop/trang.html',
      'chrome-extension://aapocclcgogkmnckokdopfmhonfmgoek/index.html',
      'data:text/html,<a href="https://longhuu.vn">x</a>',
      'android-app://',
      'android-app://zalo/',
      'android-app://com.zing.zalo%0A/',
    ];
    for (const referrer of cases) {
      it(`${JSON.stringify(referrer)} → (direct)`, () => {
        assert.equal(sourceOf(referrer), '(direct)');
      });
    }
  });

  describe('a referrer on the same site is no source (undefined)', () => {
    const cases = [
      'https://longhuu.tphcm.gov.vn/tin-tuc/thong-bao?id=12',
      'https://www.longhuu.tphcm.gov.vn/',
      'http://longhuu.tphcm.gov.vn/',
      'https://longhuu.tphcm.gov.vn:8443/',
      'https://LONGHUU.tphcm.gov.vn./',
      'https://longhuu.vn/gioi-thieu',
      'https://www.longhuu.vn/',
    ];
    for (const referrer of cases) {
      it(referrer, () => {
        assert.equal(sourceOf(referrer), undefined);
      });
    }

    it('the page origin counts even when the site lists no origins', () => {
      assert.equal(referrerSource('https://example.com/a', 'https://www.example.com', []), undefined);
      assert.equal(referrerSource('https://www.example.com/a', 'https://example.com', []), undefined);
    });

    it('one referrer is internal on its own site and a source on another, however often it is seen', () => {
      for (let round = 0; round < 3; round++) {
        assert.equal(referrerSource('https://shop.example.com/', 'https://shop.example.com', []), undefined);
        assert.equal(referrerSource('https://shop.example.com/', 'https://blog.example.org', []), 'example.com');
        assert.equal(referrerSource('https://shop.example.com/', 'https://blog.example.org', ['https://shop.example.com']), undefined);
      }
    });

    it('another subdomain of the same registrable domain is a source, by that domain', () => {
      assert.equal(sourceOf('https://quan1.tphcm.gov.vn/tin-tuc'), 'tphcm.gov.vn');
      assert.equal(referrerSource('https://shop.example.com/', 'https://blog.example.com', []), 'example.com');
    });

    it('a host that only ends like the site is another site', () => {
      assert.equal(sourceOf('https://notlonghuu.vn/'), 'notlonghuu.vn');
    });
  });

  describe('well-known sites are named', () => {
    const cases: Array<[string, string]> = [
      ['https://www.google.com/', 'Google'],
      ['https://www.google.com.vn/', 'Google'],
      ['https://www.google.com.vn/search?q=ph%C6%B0%E1%BB%9Dng+long+h%E1%BB%AFu&oq=long+huu', 'Google'],
      ['https://www.google.com/search?q=footfall', 'Google'],
      ['https://google.com/url?sa=t&url=https%3A%2F%2Flonghuu.vn', 'Google'],
      ['https://news.google.com/articles/CBMi', 'Google'],
      ['https://news.google/', 'Google'],
      ['https://www.google.co.jp/', 'Google'],
      ['android-app://com.google.android.googlequicksearchbox/', 'Google'],
      ['android-app://com.google.android.googlequicksearchbox/https/www.google.com', 'Google'],
      ['https://www.bing.com/search?q=long+huu', 'Bing'],
      ['https://cn.bing.com/', 'Bing'],
      ['https://coccoc.com/search?query=ph%C6%B0%E1%BB%9Dng+long+h%E1%BB%AFu', 'Cốc Cốc'],
      ['https://coccoc.com/', 'Cốc Cốc'],
      ['https://www.facebook.com/', 'Facebook'],
      ['https://m.facebook.com/', 'Facebook'],
      ['https://l.facebook.com/l.php?u=https%3A%2F%2Flonghuu.vn%2F&h=AT0abc', 'Facebook'],
      ['https://lm.facebook.com/l.php?u=https%3A%2F%2Flonghuu.vn%2F', 'Facebook'],
      ['https://mbasic.facebook.com/', 'Facebook'],
      ['https://fb.com/', 'Facebook'],
      ['android-app://com.facebook.katana/', 'Facebook'],
      ['android-app://com.facebook.lite/', 'Facebook'],
      ['https://l.messenger.com/l.php?u=https%3A%2F%2Flonghuu.vn', 'Messenger'],
      ['android-app://com.facebook.orca/', 'Messenger'],
      ['https://zalo.me/', 'Zalo'],
      ['https://chat.zalo.me/', 'Zalo'],
      ['https://zalo.me/g/abcdef123', 'Zalo'],
      ['android-app://com.zing.zalo/', 'Zalo'],
      ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'YouTube'],
      ['https://m.youtube.com/', 'YouTube'],
      ['https://youtu.be/dQw4w9WgXcQ', 'YouTube'],
      ['https://www.tiktok.com/@longhuu', 'TikTok'],
      ['android-app://com.ss.android.ugc.trill/', 'TikTok'],
      ['https://t.co/AbCdEf123', 'X'],
      ['https://x.com/', 'X'],
      ['https://twitter.com/', 'X'],
      ['https://mobile.twitter.com/', 'X'],
      ['https://l.instagram.com/?u=https%3A%2F%2Flonghuu.vn', 'Instagram'],
      ['https://www.linkedin.com/', 'LinkedIn'],
      ['https://lnkd.in/abc', 'LinkedIn'],
      ['https://out.reddit.com/t3_abc', 'Reddit'],
      ['https://vn.search.yahoo.com/', 'Yahoo'],
      ['https://search.yahoo.co.jp/', 'Yahoo'],
      ['https://duckduckgo.com/', 'DuckDuckGo'],
      ['https://yandex.ru/search/?text=long+huu', 'Yandex'],
      ['https://ya.ru/', 'Yandex'],
      ['https://www.baidu.com/link?url=abc', 'Baidu'],
      ['https://t.me/longhuu', 'Telegram'],
      ['https://web.telegram.org/', 'Telegram'],
      ['https://web.whatsapp.com/', 'WhatsApp'],
      ['https://wa.me/84901234567', 'WhatsApp'],
      ['https://www.pinterest.com/', 'Pinterest'],
      ['https://www.pinterest.co.uk/', 'Pinterest'],
      ['https://vi.wikipedia.org/wiki/Long_H%E1%BB%AFu', 'Wikipedia'],
      ['https://vi.m.wikipedia.org/wiki/Long_H%E1%BB%AFu', 'Wikipedia'],
      ['https://chatgpt.com/', 'ChatGPT'],
      ['https://chat.openai.com/', 'ChatGPT'],
      ['https://search.naver.com/search.naver?query=x', 'Naver'],
      ['https://www.viber.com/', 'Viber'],
      ['https://www.perplexity.ai/', 'Perplexity'],
    ];
    for (const [referrer, name] of cases) {
      it(`${referrer} → ${name}`, () => {
        assert.equal(sourceOf(referrer), name);
      });
    }

    it('names only the listed hosts and ICANN brands, not look-alikes', () => {
      assert.equal(sourceOf('https://openai.com/research'), 'openai.com');
      assert.equal(sourceOf('https://foox.com/'), 'foox.com');
      assert.equal(sourceOf('https://notfacebook.com/'), 'notfacebook.com');
      assert.equal(sourceOf('https://facebook.com.example.net/'), 'example.net');
      // blogspot.com is a private public suffix: this is somebody's blog, not Google.
      assert.equal(sourceOf('https://google.blogspot.com/'), 'google.blogspot.com');
      assert.equal(sourceOf('https://googleusercontent.com/'), 'googleusercontent.com');
    });
  });

  describe('other sites by registrable domain', () => {
    const cases: Array<[string, string]> = [
      ['https://baomoi.com/tin-moi.epi', 'baomoi.com'],
      ['https://m.baomoi.com/', 'baomoi.com'],
      ['https://vnexpress.net/thoi-su', 'vnexpress.net'],
      ['https://thanhnien.vn/', 'thanhnien.vn'],
      ['https://longhuu.tphcm.gov.vn/', 'tphcm.gov.vn'],
      ['https://dichvucong.gov.vn/p/home/dvc-trang-chu.html', 'dichvucong.gov.vn'],
      ['https://www.bbc.co.uk/news', 'bbc.co.uk'],
      ['https://an.github.io/blog/', 'an.github.io'],
      ['HTTPS://WWW.Example.COM/Path', 'example.com'],
      ['https://xn--bcher-kva.example/', 'xn--bcher-kva.example'],
      ['https://bücher.example/', 'xn--bcher-kva.example'],
      ['http://192.168.1.10:8080/admin', '192.168.1.10'],
      ['http://[2001:db8::1]/', '[2001:db8::1]'],
      ['http://localhost:3000/', 'localhost'],
    ];
    for (const [referrer, name] of cases) {
      it(`${referrer} → ${name}`, () => {
        assert.equal(referrerSource(referrer, 'https://example.org', []), name);
      });
    }

    it('keeps no path, query or fragment', () => {
      assert.equal(sourceOf('https://baomoi.com/tin?id=8841&token=s3cr3t#top'), 'baomoi.com');
    });

    it('cuts a long domain to 100 characters', () => {
      const name = sourceOf(`https://www.${'a'.repeat(60)}.${'b'.repeat(60)}.com/`) ?? '';
      assert.equal(name, `${'b'.repeat(60)}.com`);
      const long = sourceOf(`https://${'c'.repeat(63)}.${'d'.repeat(63)}/`) ?? '';
      assert.equal(long.length, 100);
      assert.ok(long.startsWith('c'.repeat(63)));
    });
  });

  describe('Android apps', () => {
    it('names an unknown app by its package, lowercase', () => {
      assert.equal(sourceOf('android-app://com.vnexpress.news/'), 'android-app:com.vnexpress.news');
      assert.equal(sourceOf('android-app://Com.Example.Reader/https/example.com'), 'android-app:com.example.reader');
    });
  });

  describe('the table of known referrers', () => {
    it('lists each host, brand and app once, in lowercase, under a short name', () => {
      const seen = new Set<string>();
      for (const { name, hosts = [], brands = [], apps = [] } of KNOWN_REFERRERS) {
        assert.ok(name.length > 0 && name.length <= 100, name);
        for (const key of [...hosts.map((h) => `host ${h}`), ...brands.map((b) => `brand ${b}`), ...apps.map((a) => `app ${a}`)]) {
          assert.equal(key, key.toLowerCase(), `${name}: ${key}`);
          assert.ok(!seen.has(key), `${key} is listed twice`);
          seen.add(key);
        }
      }
      assert.equal(new Set(KNOWN_REFERRERS.map((r) => r.name)).size, KNOWN_REFERRERS.length);
    });
  });
});

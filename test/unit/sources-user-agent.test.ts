import { strict as assert } from 'node:assert';
import { type Device, deviceOf } from '../../src/counting/sources/user-agent.js';
import { BROWSERS } from '../support/user-agents.js';

const UNKNOWN: Device = { browser: '(unknown)', os: '(unknown)', device: 'desktop' };

/** What a person's browser sends → what footfall keeps of it. */
const CASES: Array<[string, string, Device]> = [
  ['Chrome on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', { browser: 'Chrome', os: 'Windows', device: 'desktop' }],
  ['Edge on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80', { browser: 'Edge', os: 'Windows', device: 'desktop' }],
  ['Opera on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0', { browser: 'Opera', os: 'Windows', device: 'desktop' }],
  ['Firefox on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', { browser: 'Firefox', os: 'Windows', device: 'desktop' }],
  ['Firefox on Linux', 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', { browser: 'Firefox', os: 'Linux', device: 'desktop' }],
  ['Firefox on Ubuntu', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0', { browser: 'Firefox', os: 'Linux', device: 'desktop' }],
  ['Safari on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15', { browser: 'Safari', os: 'macOS', device: 'desktop' }],
  ['Chrome on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', { browser: 'Chrome', os: 'macOS', device: 'desktop' }],
  ['Chrome on a Chromebook', 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', { browser: 'Chrome', os: 'ChromeOS', device: 'desktop' }],
  ['Chrome on an Android phone (reduced UA)', 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36', { browser: 'Chrome', os: 'Android', device: 'mobile' }],
  ['Chrome on a Samsung Galaxy A53', 'Mozilla/5.0 (Linux; Android 13; SM-A536E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36', { browser: 'Chrome', os: 'Android', device: 'mobile' }],
  ['Firefox on Android', 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0', { browser: 'Firefox', os: 'Android', device: 'mobile' }],
  ['Samsung Internet on a Galaxy S23', 'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/21.0 Chrome/110.0.5481.154 Mobile Safari/537.36', { browser: 'Samsung Internet', os: 'Android', device: 'mobile' }],
  ['Samsung Internet on a Galaxy Tab A8', 'Mozilla/5.0 (Linux; Android 12; SM-X205) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36', { browser: 'Samsung Internet', os: 'Android', device: 'tablet' }],
  ['Chrome on a Galaxy Tab S9', 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', { browser: 'Chrome', os: 'Android', device: 'tablet' }],
  ['Chrome on a Lenovo Tab M10', 'Mozilla/5.0 (Linux; Android 11; Lenovo TB-J606F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Safari/537.36', { browser: 'Chrome', os: 'Android', device: 'tablet' }],
  ['Safari on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1', { browser: 'Safari', os: 'iOS', device: 'mobile' }],
  ['Chrome on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1', { browser: 'Chrome', os: 'iOS', device: 'mobile' }],
  ['Safari on an iPad', 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', { browser: 'Safari', os: 'iOS', device: 'tablet' }],
  ['Cốc Cốc on Windows', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/117.0.228 Chrome/111.0.5563.228 Safari/537.36', { browser: 'Cốc Cốc', os: 'Windows', device: 'desktop' }],
  ['Cốc Cốc on macOS', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/125.0.160 Chrome/119.0.6045.160 Safari/537.36', { browser: 'Cốc Cốc', os: 'macOS', device: 'desktop' }],
  ['Cốc Cốc on Android', 'Mozilla/5.0 (Linux; Android 10; SM-A205F) AppleWebKit/537.36 (KHTML, like Gecko) coc_coc_browser/116.0.226 Chrome/110.0.5481.226 Mobile Safari/537.36', { browser: 'Cốc Cốc', os: 'Android', device: 'mobile' }],
  ['Cốc Cốc on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) coc_coc_browser/102.0.184 Mobile/15E148 Safari/605.1', { browser: 'Cốc Cốc', os: 'iOS', device: 'mobile' }],
  ['Zalo on Android', 'Mozilla/5.0 (Linux; Android 12; SM-A525F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.117 Mobile Safari/537.36 Zalo android/12100697 ZaloTheme/light ZaloLanguage/vi', { browser: 'Zalo', os: 'Android', device: 'mobile' }],
  ['Zalo on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Zalo iOS/477 ZaloTheme/light ZaloLanguage/vi', { browser: 'Zalo', os: 'iOS', device: 'mobile' }],
  ['Facebook on Android', 'Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/446.0.0.38.110;]', { browser: 'Facebook', os: 'Android', device: 'mobile' }],
  ['Facebook on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/vi_VN;FBOP/5;FBRV/0]', { browser: 'Facebook', os: 'iOS', device: 'mobile' }],
  ['Facebook on an iPad', 'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.37.105;FBBV/553186236;FBDV/iPad13,1;FBMD/iPad;FBSN/iPadOS;FBSV/17.1;FBSS/2;FBID/tablet;FBLC/vi_VN;FBOP/5]', { browser: 'Facebook', os: 'iOS', device: 'tablet' }],
  ['Messenger on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/436.0.0.32.108;FBBV/537366004;FBDV/iPhone13,2;FBMD/iPhone;FBSN/iOS;FBSV/17.1;FBSS/3;FBCR/;FBID/phone;FBLC/vi;FBOP/5]', { browser: 'Messenger', os: 'iOS', device: 'mobile' }],
  ['Messenger on Android', 'Mozilla/5.0 (Linux; Android 12; SM-A325F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 [FB_IAB/Orca-Android;FBAV/437.0.0.33.118;]', { browser: 'Messenger', os: 'Android', device: 'mobile' }],
  ['Instagram on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 307.0.1.27.109 (iPhone14,3; iOS 17_1; en_US; en; scale=3.00; 1284x2778; 532277440)', { browser: 'Instagram', os: 'iOS', device: 'mobile' }],
  ['Instagram on Android', 'Mozilla/5.0 (Linux; Android 13; SM-S908E Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram 309.1.0.41.113 Android (33/13; 480dpi; 1080x2115; samsung; SM-S908E; b0q; qcom; vi_VN; 541635890)', { browser: 'Instagram', os: 'Android', device: 'mobile' }],
  ['TikTok on Android', 'Mozilla/5.0 (Linux; Android 12; 2201117TG Build/SKQ1.211103.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 trill_320403 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill app_version/32.4.3 ByteLocale/vi ByteFullLocale/vi Region/VN AppId/1180 Spark/1.4.6.3-bugfix AppVersion/32.4.3 BytedanceWebview/d8a21c6', { browser: 'TikTok', os: 'Android', device: 'mobile' }],
  ['TikTok on an iPhone', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.9.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/vi Region/VN isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6 FalconTag/', { browser: 'TikTok', os: 'iOS', device: 'mobile' }],
  ['UC Browser on Android', 'Mozilla/5.0 (Linux; U; Android 10; vi-VN; RMX1911 Build/QKQ1.200209.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36', { browser: 'UC Browser', os: 'Android', device: 'mobile' }],
];

/** The expected reading of each browser in test/support/user-agents.ts, by its name there. */
const SUPPORT_BROWSERS: Record<string, Device> = {
  'Chrome on Windows': { browser: 'Chrome', os: 'Windows', device: 'desktop' },
  'Cốc Cốc': { browser: 'Cốc Cốc', os: 'Windows', device: 'desktop' },
  'Zalo in-app browser': { browser: 'Zalo', os: 'Android', device: 'mobile' },
  'Facebook in-app browser': { browser: 'Facebook', os: 'iOS', device: 'mobile' },
  Firefox: { browser: 'Firefox', os: 'Windows', device: 'desktop' },
  'Safari on iPhone': { browser: 'Safari', os: 'iOS', device: 'mobile' },
  'Samsung Internet': { browser: 'Samsung Internet', os: 'Android', device: 'mobile' },
  Edge: { browser: 'Edge', os: 'Windows', device: 'desktop' },
};

describe('user-agent sources', () => {
  describe('browser family, OS and device of real User-Agents', () => {
    for (const [label, userAgent, expected] of CASES) {
      it(`${label}: ${expected.browser} / ${expected.os} / ${expected.device}`, () => {
        assert.deepEqual(deviceOf(userAgent), expected);
      });
    }

    for (const [label, userAgent] of BROWSERS) {
      it(`the test browsers' ${label}`, () => {
        assert.deepEqual(deviceOf(userAgent), SUPPORT_BROWSERS[label]);
      });
    }
  });

  describe('what cannot be told', () => {
    it('an empty or blank User-Agent', () => {
      assert.deepEqual(deviceOf(''), UNKNOWN);
      assert.deepEqual(deviceOf('   '), UNKNOWN);
    });

    it('a client no parser knows: no part of its User-Agent is kept', () => {
      assert.deepEqual(deviceOf('curl/8.5.0'), UNKNOWN);
      assert.deepEqual(deviceOf('visitor-7f3a9c2e/1.0 (private build 55d1)'), UNKNOWN);
      assert.deepEqual(deviceOf('\u0000\u001b[2J/1 (x)'), UNKNOWN);
    });

    it('a User-Agent cut to 512 characters still reads', () => {
      const long = `${CASES[0]?.[1] ?? ''} ${'x'.repeat(600)}`.slice(0, 512);
      assert.deepEqual(deviceOf(long), { browser: 'Chrome', os: 'Windows', device: 'desktop' });
    });
  });
});

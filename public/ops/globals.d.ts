/** Globals of the vendor scripts index.html loads before app.js (served from /ops/vendor/). */
declare const io: (url: string, options?: Record<string, unknown>) => any;
declare const uPlot: any;

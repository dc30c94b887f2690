/** Globals of the vendor scripts the dashboards load before their modules (served from /common/vendor/). */
declare const io: (url: string, options?: Record<string, unknown>) => any;
declare const uPlot: any;

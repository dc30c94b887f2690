/** build.ts turns an imported .css file into its minified text. */
declare module '*.css' {
  const css: string;
  export default css;
}

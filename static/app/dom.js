/** The one DOM look-up every module uses: the first element matching `selector` under `root`. */

export const $ = (selector, root = document) => root.querySelector(selector);

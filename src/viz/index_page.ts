// The index.html of a viz directory: every picture on one page, in sections, by relative links
// only (no scripts, styles or fonts from elsewhere), so the directory can be copied and opened
// anywhere.

export interface VizFile {
  /** File name inside the viz directory. */
  name: string;
  data: Uint8Array | string;
}

export interface VizPicture {
  section: string;
  caption: string;
  /** The file the page shows; SVG charts come with their PNG copies in `copies`. */
  shown: VizFile;
  copies?: VizFile[];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function figure(picture: VizPicture): string {
  const name = escapeHtml(encodeURI(picture.shown.name));
  const links = (picture.copies ?? []).map((copy) => ` <a href="${escapeHtml(encodeURI(copy.name))}">${escapeHtml(copy.name)}</a>`).join('');
  return `<figure><a href="${name}"><img src="${name}" alt="${escapeHtml(picture.caption)}"></a>`
    + `<figcaption>${escapeHtml(picture.caption)} (<a href="${name}">${escapeHtml(picture.shown.name)}</a>${links})</figcaption></figure>`;
}

export function indexPage(title: string, pictures: readonly VizPicture[]): string {
  const sections = [...new Set(pictures.map((picture) => picture.section))];
  const body = sections.map((section) => `<section><h2>${escapeHtml(section)}</h2>\n`
    + pictures.filter((picture) => picture.section === section).map(figure).join('\n') + '\n</section>').join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
figure { display: inline-block; vertical-align: top; margin: 0 1.5em 1.5em 0; }
img { max-width: 100%; image-rendering: pixelated; }
figcaption { font-size: 0.9em; color: #333; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

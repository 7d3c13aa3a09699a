// MathJax 3 configuration for pymdownx.arithmatex (generic mode) and Material's
// instant navigation. MathJax itself is served from this site (assets/mathjax/).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
  startup: { typeset: false },
};

// Material emits document$ on the first load and after every instant navigation:
// forget the previous page's math, then typeset the new one. When done, the
// article is marked data-math="typeset" (the browser tests wait for it).
document$.subscribe(() => {
  MathJax.startup.promise
    .then(() => {
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise();
    })
    .then(() => {
      const article = document.querySelector("article");
      if (article) article.dataset.math = "typeset";
    });
});

"""The app's CSS and page script: desktop and phone layouts, the page highlight, the citation clicks.

Phone (<= 640 px wide): the chat comes first and fills most of the screen with the question box inside it, the
filters start folded, the source panel opens as an overlay with a close button, and the recommendations show as
cards instead of a table whose columns would be squeezed to a few letters.
"""
from __future__ import annotations

from assistant.web.views import CITE_PREFIX

CITE_BOX_ID = "hrqa-cite-box"
PHONE = "(max-width: 640px)"

CSS = """
.hrqa-sources { font-size: .9em; margin-top: .6em; border-top: 1px solid var(--border-color-primary); }
.hrqa-sources ol { margin: .3em 0 0 1.2em; }
.hrqa-kind { font-variant: small-caps; opacity: .8; }
.hrqa-note { font-size: .85em; opacity: .75; }
.hrqa-panel mark { background: #fde68a; color: inherit; }
.hrqa-doc-meta { font-size: .85em; opacity: .8; }
.hrqa-para { white-space: pre-wrap; margin: .5em 0; padding: .4em; opacity: .75; }
.hrqa-para.hrqa-current { border-left: 4px solid #f59e0b; opacity: 1; }
.hrqa-split { display: flex; flex-wrap: wrap; gap: .8em; align-items: flex-start; }
.hrqa-pages { flex: 1 1 340px; min-width: 0; }
.hrqa-context { flex: 1 1 280px; min-width: 0; }
.hrqa-page { margin: 0 0 .6em 0; }
.hrqa-page-frame { position: relative; display: inline-block; max-width: 100%; line-height: 0; }
.hrqa-page-img { display: block; max-width: 100%; max-height: 80vh; width: auto; height: auto;
  border: 1px solid var(--border-color-primary); }
.hrqa-hl { position: absolute; background: rgba(250, 204, 21, .35); outline: 2px solid #f59e0b;
  mix-blend-mode: multiply; pointer-events: none; }
.hrqa-page figcaption { font-size: .8em; opacity: .75; line-height: 1.4; }
.hrqa-close { display: none; }
#hrqa-rec-cards { display: none; }
.hrqa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .8em; margin: .5em 0;
  font-size: 15px; line-height: 1.45; }
.hrqa-card h4 { margin: 0 0 .2em 0; }
.hrqa-card-tags, .hrqa-card-response { font-size: .85em; opacity: .8; margin: .1em 0; }
#hrqa-handouts { flex-wrap: wrap; gap: 6px; }
#hrqa-handouts > * { flex: 1 1 120px; min-width: 0; }
@media PHONE {
  .main.app { padding-left: 8px !important; padding-right: 8px !important; }
  #hrqa-title h2 { font-size: 1.05em !important; margin: 0 !important; line-height: 1.25 !important; }
  #hrqa-chat-row { flex-direction: column; }
  #hrqa-chat-col { order: -1; }
  #hrqa-chat { height: 52vh !important; min-height: 260px; }
  #hrqa-panel-col { display: none; }
  body.hrqa-panel-open #hrqa-panel-col { display: block; position: fixed; inset: 0; z-index: 1000;
    overflow: auto; padding: .8em; background: var(--background-fill-primary); }
  .hrqa-close { display: inline-block; position: sticky; top: 0; z-index: 2; float: right; padding: .3em .8em;
    border: 1px solid var(--border-color-primary); border-radius: 6px; background: var(--background-fill-primary); }
  #hrqa-rec-table { display: none; }
  #hrqa-rec-cards { display: block; }
}
""".replace("PHONE", PHONE)

# In <head>, not launch(css=): gradio scopes css= rules under its container, and the phone rules must reach the
# page's own padding and the body's "panel open" class.
HEAD = f"<style>{CSS}</style>"

# Markers and sources are links to "#cite-<passage id>". One capturing listener turns a click on any of them into a
# value of the hidden textbox (with the click time, so clicking the same source twice still fires) and, on a phone,
# opens the panel overlay; the panel's close button closes it. The filters start folded and open on wide screens.
PAGE_JS = """() => {
  if (window.__hrqaListener) return;
  window.__hrqaListener = true;
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!target.closest) return;
    if (target.closest('.hrqa-close')) { document.body.classList.remove('hrqa-panel-open'); return; }
    const link = target.closest('a[href^="CITE_PREFIX"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const box = document.querySelector('#CITE_BOX textarea, #CITE_BOX input');
    if (!box) return;
    box.value = decodeURIComponent(link.getAttribute('href').slice(CITE_PREFIX.length)) + '|' + Date.now();
    box.dispatchEvent(new Event('input', {bubbles: true}));
    document.body.classList.add('hrqa-panel-open');
  }, true);
  const unfold = () => {
    if (window.matchMedia('PHONE').matches) return;
    const toggle = document.querySelector('#hrqa-filters > button, #hrqa-filters .label-wrap');
    if (toggle && !toggle.classList.contains('open')) toggle.click();
  };
  setTimeout(unfold, 200);
}""".replace("CITE_PREFIX.length", str(len(CITE_PREFIX))).replace("CITE_PREFIX", CITE_PREFIX).replace(
    "CITE_BOX", CITE_BOX_ID).replace("PHONE", PHONE)

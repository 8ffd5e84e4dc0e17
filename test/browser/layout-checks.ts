/**
 * What "a reply fits" means, measured in the page the way a person sees it (issue 14 §3): nothing sticks out of
 * its card, no text is cut short ("…"), and no cell of a table-like layout (columns side by side: tables, column
 * sets, fact sets, Slack fields) breaks a word across lines. Generic over the page: suites pass their own selectors.
 */
import type { Page } from "playwright-core";

export interface LayoutCheckOptions {
  /** The reply's box, e.g. `.ac-adaptiveCard` in the Teams playground. */
  readonly card: string;
  /** Elements holding text inside a card; only those laid out side by side with others count as cells. */
  readonly text: string;
  /** Only the last `n` cards (default: every card on the page). */
  readonly last?: number;
}

export interface LayoutProblem {
  readonly kind: "overflows-card" | "card-wider-than-window" | "text-cut" | "word-broken";
  /** The element's text (first 60 characters), to find it in the screenshot. */
  readonly text: string;
  readonly detail: string;
}

/**
 * Runs in the page. A word may wrap after '-' or '/' (where browsers break long names and paths on their own),
 * never elsewhere: "Dep|loy|ment", "gre|en", "Standard_|DS3_v2" are broken words.
 */
function inPage(options: LayoutCheckOptions): LayoutProblem[] {
  /* eslint-disable @typescript-eslint/no-explicit-any -- page globals, typed loosely: the project has no DOM lib */
  const doc = (globalThis as any).document;
  const win = globalThis as any;
  const problems: LayoutProblem[] = [];
  const label = (el: any): string => String(el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 60);
  const visible = (el: any): boolean => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && win.getComputedStyle(el).visibility !== "hidden";
  };
  /** Laid out beside siblings: some ancestor inside the card is a flex row or a grid. */
  const isCell = (el: any, card: any): boolean => {
    for (let p = el.parentElement; p && p !== card; p = p.parentElement) {
      const s = win.getComputedStyle(p);
      if (s.display.includes("grid")) return true;
      if (s.display.includes("flex") && !s.flexDirection.startsWith("column") && p.children.length > 1) return true;
    }
    return false;
  };
  const brokenWords = (el: any): string[] => {
    const found: string[] = [];
    const walker = doc.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text: string = node.data;
      for (const match of text.matchAll(/\S+/g)) {
        const start = match.index ?? 0;
        let previousTop: number | undefined;
        for (let i = 0; i < match[0].length; i++) {
          const range = doc.createRange();
          range.setStart(node, start + i);
          range.setEnd(node, start + i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width === 0 && rect.height === 0) continue;
          if (previousTop !== undefined && rect.top > previousTop + rect.height / 2 && !/[-/]/.test(match[0][i - 1] ?? "")) {
            found.push(`${match[0].slice(0, i)}|${match[0].slice(i)}`);
            break;
          }
          previousTop = rect.top;
        }
      }
    }
    return found;
  };

  const cards = Array.from(doc.querySelectorAll(options.card) as ArrayLike<any>).slice(-(options.last ?? 0));
  const viewportWidth: number = doc.documentElement.clientWidth;
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    if (box.right > viewportWidth + 0.5) problems.push({ kind: "card-wider-than-window", text: label(card), detail: `card right edge ${Math.round(box.right)} > window ${viewportWidth}` });
    for (const el of Array.from(card.querySelectorAll("*") as ArrayLike<any>)) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.right > box.right + 0.5 || r.left < box.left - 0.5) {
        problems.push({ kind: "overflows-card", text: label(el), detail: `<${el.tagName.toLowerCase()}> spans ${Math.round(r.left)}–${Math.round(r.right)}, card ${Math.round(box.left)}–${Math.round(box.right)}` });
      }
      if (el.scrollWidth > el.clientWidth + 1 && label(el)) {
        const overflow: string = win.getComputedStyle(el).overflowX;
        if (overflow === "visible") {
          // Content spilling out of its box (a long line in a block): a problem once it passes the card's edge.
          if (r.left + el.scrollWidth > box.right + 0.5) {
            problems.push({ kind: "overflows-card", text: label(el), detail: `<${el.tagName.toLowerCase()}> content ends at ${Math.round(r.left + el.scrollWidth)}, card at ${Math.round(box.right)}` });
          }
        } else {
          // Content wider than a box that clips it ("…", or cut off) or scrolls it sideways, at whatever depth.
          const how = overflow === "auto" || overflow === "scroll" ? "scrolls sideways" : "cut";
          problems.push({ kind: "text-cut", text: label(el), detail: `${el.scrollWidth} px of content in ${el.clientWidth} px (${how})` });
        }
      }
    }
    for (const el of Array.from(card.querySelectorAll(options.text) as ArrayLike<any>)) {
      if (!visible(el)) continue;
      if (isCell(el, card)) {
        for (const word of brokenWords(el)) problems.push({ kind: "word-broken", text: label(el), detail: word });
      }
    }
  }
  return problems;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** Every layout problem of the page's cards, empty when every reply fits. */
export async function layoutProblems(page: Page, options: LayoutCheckOptions): Promise<LayoutProblem[]> {
  // Passed as source: the test transform may wrap named functions in a `__name(...)` helper the page lacks.
  return page.evaluate(`(() => { const __name = (f) => f; return (${inPage.toString()})(${JSON.stringify(options)}); })()`) as Promise<LayoutProblem[]>;
}

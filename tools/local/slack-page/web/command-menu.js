/* global document */
/**
 * The composer's command menu, as Slack shows one: typing `/` offers the app's command, and `/aml ` plus the start of
 * a verb offers the matching verbs with their usage and summary (from the bot's own verb table, via the server).
 * Arrows pick, Tab or Enter on a picked one (or a click) completes; Enter otherwise sends what is typed.
 */
export function commandMenu(input, list, verbs) {
  let items = [];
  let picked = -1;
  const draw = () => {
    list.hidden = items.length === 0;
    list.replaceChildren(
      ...items.map((item, i) => {
        const li = document.createElement("li");
        li.className = `sp-command${i === picked ? " sp-picked" : ""}`;
        li.setAttribute("role", "option");
        li.dataset.complete = item.complete;
        li.innerHTML = `<span class="sp-command-usage"></span><span class="sp-command-summary"></span>`;
        li.firstChild.textContent = item.usage;
        li.lastChild.textContent = item.summary;
        return li;
      }),
    );
  };
  const complete = (text) => {
    input.value = text;
    input.focus();
    update();
  };
  const update = () => {
    const value = input.value;
    const verb = /^\/aml\s+(\S*)$/i.exec(value);
    if (/^\/[a-z]{0,3}$/i.test(value) && "/aml".startsWith(value.toLowerCase())) {
      items = [{ complete: "/aml ", usage: "/aml <command>", summary: "aml-chatops: Azure ML endpoints from chat" }];
    } else if (verb) {
      const word = verb[1].toLowerCase();
      items = verbs
        .filter((v) => v.name.startsWith(word))
        .slice(0, 8)
        .map((v) => ({ complete: `/aml ${v.name} `, usage: `/aml ${v.usage}`, summary: v.summary }));
    } else {
      items = [];
    }
    if (picked >= items.length) picked = -1;
    draw();
  };
  list.addEventListener("mousedown", (e) => {
    const li = e.target.closest("[data-complete]");
    if (!li) return;
    e.preventDefault();
    complete(li.dataset.complete);
  });
  return {
    update,
    /** Handles a key for the menu; true when it did. */
    key(e) {
      if (items.length === 0) return false;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        picked = e.key === "ArrowDown" ? (picked + 1) % items.length : picked <= 0 ? items.length - 1 : picked - 1;
        draw();
        return true;
      }
      if (e.key === "Tab" || (e.key === "Enter" && picked >= 0)) {
        e.preventDefault();
        complete(items[Math.max(picked, 0)].complete);
        picked = -1;
        update();
        return true;
      }
      if (e.key === "Escape") {
        items = [];
        draw();
        return true;
      }
      return false;
    },
  };
}


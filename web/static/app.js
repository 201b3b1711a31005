// Progressive enhancement of the server-rendered chat page: ask without reloading, open sources,
// copy, feedback. Answers arrive rendered by the server (the same template as the page); everything
// else goes in through textContent.
"use strict";

document.documentElement.classList.add("js");

(function () {
  const form = document.getElementById("composer");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const list = document.getElementById("messages");
  const welcome = document.getElementById("welcome");
  const chatTitle = document.getElementById("chat-title");
  const announce = document.getElementById("announce");
  const cidInput = document.getElementById("conversation-id");
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  let busy = false;
  // the page token goes with every post, as the forms send it without JavaScript
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function behavior() { return reduceMotion.matches ? "auto" : "smooth"; }

  function scrollToEnd() {
    window.scrollTo({ top: document.body.scrollHeight, behavior: behavior() });
  }

  function openSource(turnEl, n) {
    if (!turnEl) return;
    const body = turnEl.querySelector("#c" + turnEl.dataset.turn + "-" + n);
    const source = body && body.closest("details.source");
    if (!source) return;
    source.open = true;
    source.classList.remove("flash");
    void source.offsetWidth;  // restart the highlight animation
    source.classList.add("flash");
    source.scrollIntoView({ behavior: behavior(), block: "nearest" });
    source.querySelector("summary").focus({ preventScroll: true });
  }

  function setBusy(on) {
    busy = on;
    send.disabled = on;
    list.setAttribute("aria-busy", on ? "true" : "false");
  }

  function startConversation() {
    welcome.classList.add("hidden");
    chatTitle.hidden = false;
  }

  // A failed answer says why, offers Retry, and gives the question back to the composer if it is empty.
  function failed(li, userLi, question, badge, message) {
    li.classList.remove("loading");
    li.classList.add("abstained", "failed");
    const bubble = li.querySelector(".bubble");
    bubble.textContent = "";
    bubble.appendChild(el("p", "badge", badge));
    bubble.appendChild(el("p", "answer", message));
    const retry = el("button", "button retry", "Retry");
    retry.type = "button";
    retry.addEventListener("click", function () {
      if (busy) return;
      li.remove();
      userLi.remove();
      ask(question);
    });
    bubble.appendChild(retry);
    announce.textContent = badge + ". " + message;
    if (!input.value) { input.value = question; autosize(); updateCount(); }
  }

  async function ask(question) {
    if (busy || !question.trim()) return;
    setBusy(true);
    startConversation();
    const userLi = el("li", "msg user");
    userLi.appendChild(el("div", "bubble", question));
    const li = el("li", "msg bot loading");
    const bubble = el("div", "bubble");
    bubble.appendChild(el("p", "answer")).appendChild(el("span", "dots", "Looking through the articles"));
    li.appendChild(bubble);
    list.appendChild(userLi);
    list.appendChild(li);
    scrollToEnd();
    try {
      const res = await fetch("/web/answer", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ question: question, conversation_id: cidInput.value || null }),
      });
      const data = await res.json().catch(function () { return {}; });
      if (!res.ok || typeof data.html !== "string") {
        failed(li, userLi, question, "Something went wrong",
               (typeof data.detail === "string" && data.detail) || "The service did not answer. Please try again.");
        return;
      }
      cidInput.value = data.conversation_id;
      history.replaceState(null, "", "/?c=" + encodeURIComponent(data.conversation_id));
      remember(data.conversation_id, question);
      copyLink.hidden = false;
      const rendered = document.createElement("template");
      rendered.innerHTML = data.html;  // rendered and escaped by the server's _turn.html
      userLi.remove();
      list.querySelectorAll(".suggestions").forEach(function (f) { f.remove(); });  // offered after the latest only
      li.replaceWith(rendered.content);
      const answerEl = list.lastElementChild && list.lastElementChild.querySelector(".answer");
      announce.textContent = answerEl ? answerEl.textContent : "";
    } catch (err) {
      failed(li, userLi, question, "Connection problem", "Could not reach roleqa. Check your connection and try again.");
    } finally {
      setBusy(false);
      input.focus();
      scrollToEnd();
    }
  }

  const counter = document.getElementById("count");
  const maxChars = Number(input.dataset.max) || 2000;

  function updateCount() {
    const n = input.value.length;
    counter.hidden = n < maxChars * 0.9;
    counter.classList.toggle("over", n > maxChars);
    counter.textContent = n > maxChars
      ? "Too long: " + n + " of at most " + maxChars + " characters. Shorten it to send."
      : n + " of " + maxChars + " characters";
  }
  input.addEventListener("input", updateCount);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return; // keep what was typed while the previous answer is loading
    if (input.value.length > maxChars) { updateCount(); input.focus(); return; } // nothing is cut silently
    const question = input.value;
    input.value = "";
    autosize();
    updateCount();
    ask(question);
  });

  document.querySelectorAll(".starter").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      ask(button.value);
    });
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function autosize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  }
  input.addEventListener("input", autosize);

  async function rate(turnEl, button) {
    const feedbackForm = button.closest("form");
    const comment = feedbackForm.querySelector("textarea[name=comment]");
    const res = await fetch("/web/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ conversation_id: cidInput.value, turn: Number(turnEl.dataset.turn),
                             rating: button.value, comment: (comment && comment.value.trim()) || null }),
    });
    if (!res.ok) {
      announce.textContent = "Your feedback could not be saved. Please try again.";
      return;
    }
    feedbackForm.querySelectorAll("button[data-rating]").forEach(function (b) {
      b.classList.toggle("chosen", b === button);
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
    if (comment && comment.value.trim()) {
      comment.value = "";
      comment.closest("details").open = false;
    }
    announce.textContent = "Thanks for your feedback.";
  }

  list.addEventListener("click", async function (event) {
    const target = event.target.closest("button, a.cite");
    if (!target) return;
    const turnEl = target.closest(".msg.bot");
    if (target.classList.contains("suggestion")) {
      event.preventDefault();
      ask(target.value);
    } else if (target.matches("a.cite")) {
      event.preventDefault();
      openSource(turnEl, target.dataset.n);
    } else if (target.classList.contains("copy")) {
      try {
        await navigator.clipboard.writeText(target.dataset.copy || "");
        target.textContent = "Copied";
      } catch (err) {
        target.textContent = "Copy failed";
      }
      setTimeout(function () { target.textContent = "Copy"; }, 1500);
    } else if (target.dataset.rating) {
      event.preventDefault();
      rate(turnEl, target);
    }
  });

  // This browser's recent conversations, kept in localStorage: [{id, title, at}], newest first.
  const RECENT_KEY = "roleqa.recent";
  const recentList = document.getElementById("recent-list");
  const recentEmpty = document.getElementById("recent-empty");
  const copyLink = document.getElementById("copy-link");

  function loadRecent() {
    try {
      const items = JSON.parse(localStorage.getItem(RECENT_KEY) || "[]");
      return Array.isArray(items) ? items.filter(function (i) { return i && typeof i.id === "string"; }) : [];
    } catch (err) {
      return [];
    }
  }

  function saveRecent(items) {
    try { localStorage.setItem(RECENT_KEY, JSON.stringify(items.slice(0, 30))); } catch (err) { /* private mode */ }
    renderRecent();
  }

  function remember(id, firstQuestion) {
    const items = loadRecent();
    const found = items.find(function (i) { return i.id === id; });
    const item = found || { id: id, title: firstQuestion.trim().slice(0, 120) };
    item.at = Date.now();
    saveRecent([item].concat(items.filter(function (i) { return i.id !== id; })));
  }

  function renderRecent() {
    const items = loadRecent();
    recentList.textContent = "";
    recentEmpty.hidden = items.length > 0;
    items.forEach(function (item) {
      const li = el("li");
      li.dataset.id = item.id;
      if (item.id === cidInput.value) li.classList.add("current");
      const link = el("a", "", item.title || "Untitled conversation");
      link.href = "/?c=" + encodeURIComponent(item.id);
      const rename = el("button", "icon rename", "Rename");
      rename.type = "button";
      rename.setAttribute("aria-label", "Rename “" + link.textContent + "”");
      const remove = el("button", "icon delete", "Delete");
      remove.type = "button";
      remove.setAttribute("aria-label", "Delete “" + link.textContent + "” from this list");
      li.append(link, rename, remove);
      recentList.appendChild(li);
    });
  }

  function startRename(li) {
    const link = li.querySelector("a");
    const field = el("input");
    field.value = link.textContent;
    field.maxLength = 120;
    field.setAttribute("aria-label", "New name");
    link.replaceWith(field);
    field.focus();
    field.select();
    let finished = false;
    function finish(save) {
      if (finished) return;
      finished = true;
      const items = loadRecent();
      const item = items.find(function (i) { return i.id === li.dataset.id; });
      if (save && item && field.value.trim()) item.title = field.value.trim();
      saveRecent(items);
      const again = recentList.querySelector('li[data-id="' + CSS.escape(li.dataset.id) + '"] .rename');
      if (again) again.focus();
    }
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); finish(true); }
      if (event.key === "Escape") { event.preventDefault(); finish(false); }
    });
    field.addEventListener("blur", function () { finish(true); });
  }

  recentList.addEventListener("click", function (event) {
    const button = event.target.closest("button");
    if (!button) return;
    const li = button.closest("li");
    if (button.classList.contains("rename")) {
      startRename(li);
    } else if (button.classList.contains("delete")) {
      // only this browser's list forgets it; the conversation itself is kept on the server
      saveRecent(loadRecent().filter(function (i) { return i.id !== li.dataset.id; }));
      announce.textContent = "Removed from your recent conversations.";
      document.getElementById("recent").querySelector("summary").focus();
    }
  });

  copyLink.addEventListener("click", async function () {
    const url = location.origin + "/?c=" + encodeURIComponent(cidInput.value);
    try {
      await navigator.clipboard.writeText(url);
      copyLink.textContent = "Link copied";
    } catch (err) {
      copyLink.textContent = "Could not copy: " + url;
    }
    setTimeout(function () { copyLink.textContent = "Copy link to this conversation"; }, 2000);
  });

  if (cidInput.value && list.querySelector(".msg.user .bubble")) {
    remember(cidInput.value, list.querySelector(".msg.user .bubble").textContent);
  } else {
    renderRecent();
  }

  const fragment = /^#c(\d+)-(\d+)$/.exec(location.hash);
  if (fragment) {
    openSource(document.getElementById("t" + fragment[1]), fragment[2]);
  } else if (!location.hash && list.lastElementChild) {
    // a shared or reloaded conversation opens at its latest question and answer
    const last = list.querySelector(".msg.user:nth-last-child(2)") || list.lastElementChild;
    last.scrollIntoView({ block: "start" });
  }
})();

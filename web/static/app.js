// Progressive enhancement of the server-rendered chat page: ask without reloading, open sources,
// copy, feedback. All text goes in through textContent: nothing from users or articles is HTML.
"use strict";

(function () {
  const form = document.getElementById("composer");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const list = document.getElementById("messages");
  const welcome = document.getElementById("welcome");
  const cidInput = document.getElementById("conversation-id");
  const tpl = document.getElementById("tpl-bot");
  let busy = false;
  // the page token goes with every post, as the forms send it without JavaScript
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scrollToEnd() {
    window.scrollTo({ top: document.body.scrollHeight, behavior: "smooth" });
  }

  function openSource(turnEl, n) {
    const source = turnEl.querySelector('.source[data-n="' + n + '"]') ||
      turnEl.querySelector("#c" + turnEl.dataset.turn + "-" + n);
    if (!source) return;
    source.open = true;
    source.classList.remove("flash");
    void source.offsetWidth;  // restart the highlight animation
    source.classList.add("flash");
    source.scrollIntoView({ behavior: "smooth", block: "nearest" });
    source.querySelector("summary").focus({ preventScroll: true });
  }

  function addUser(question) {
    const li = el("li", "msg user");
    li.appendChild(el("div", "bubble", question));
    list.appendChild(li);
    return li;
  }

  function renderAnswer(li, data) {
    li.dataset.turn = data.turn || "";
    if (data.turn) li.id = "t" + data.turn;
    if (data.abstained) li.classList.add("abstained");
    const answer = li.querySelector(".answer");
    answer.textContent = "";
    data.answer.split(/(\[\d+\])/).forEach(function (piece) {
      const m = /^\[(\d+)\]$/.exec(piece);
      if (m) {
        const a = el("a", "cite", m[1]);
        a.href = "#c" + (data.turn || "x") + "-" + m[1];
        a.dataset.n = m[1];
        a.setAttribute("aria-label", "Source " + m[1]);
        answer.appendChild(a);
      } else if (piece) {
        answer.appendChild(document.createTextNode(piece));
      }
    });
    const sources = li.querySelector(".sources");
    data.citations.forEach(function (c) {
      const d = el("details", "source");
      d.id = "c" + (data.turn || "x") + "-" + c.n;
      d.dataset.n = String(c.n);
      const s = el("summary");
      s.appendChild(el("span", "num", String(c.n)));
      s.appendChild(document.createTextNode(" "));
      s.appendChild(el("span", "stitle", c.title));
      if (c.section) s.appendChild(el("span", "ssection", " · " + c.section));
      d.appendChild(s);
      const q = el("blockquote");
      const at = c.quote ? c.text.indexOf(c.quote) : -1;
      if (at >= 0) {
        q.appendChild(document.createTextNode(c.text.slice(0, at)));
        q.appendChild(el("mark", "", c.quote));
        q.appendChild(document.createTextNode(c.text.slice(at + c.quote.length)));
      } else {
        q.textContent = c.text;
      }
      d.appendChild(q);
      sources.appendChild(d);
    });
    if (!data.citations.length) sources.remove();
    li.querySelector(".copy").dataset.copy = data.answer;
  }

  // A failed answer says why, offers Retry, and gives the question back to the composer if it is empty.
  function failed(li, userLi, question, badge, message) {
    li.classList.add("abstained", "failed");
    li.querySelector(".badge").textContent = badge;
    li.querySelector(".answer").textContent = message;
    const retry = el("button", "button retry", "Retry");
    retry.type = "button";
    retry.addEventListener("click", function () {
      if (busy) return;
      li.remove();
      userLi.remove();
      ask(question);
    });
    li.querySelector(".bubble").appendChild(retry);
    if (!input.value) { input.value = question; autosize(); updateCount(); }
  }

  async function ask(question) {
    if (busy || !question.trim()) return;
    busy = true;
    send.disabled = true;
    welcome.classList.add("hidden");
    const userLi = addUser(question);
    const li = tpl.content.firstElementChild.cloneNode(true);
    li.classList.add("loading");
    li.querySelector(".answer").appendChild(el("span", "dots", "Looking through the articles"));
    li.querySelector(".actions").hidden = true;
    list.appendChild(li);
    scrollToEnd();
    try {
      const res = await fetch("/web/answer", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ question: question, conversation_id: cidInput.value || null }),
      });
      const data = await res.json().catch(function () { return {}; });
      li.classList.remove("loading");
      if (!res.ok) {
        failed(li, userLi, question, "Something went wrong",
               (typeof data.detail === "string" && data.detail) || "The service did not answer. Please try again.");
        return;
      }
      cidInput.value = data.conversation_id;
      history.replaceState(null, "", "/?c=" + encodeURIComponent(data.conversation_id));
      if (data.standalone_question && data.standalone_question !== question) {
        userLi.querySelector(".bubble").title = "Understood as: " + data.standalone_question;
        userLi.appendChild(el("div", "understood", "Understood as: " + data.standalone_question));
      }
      renderAnswer(li, data);
      li.querySelector(".actions").hidden = false;
      // without a stored turn there is nothing to rate
      li.querySelectorAll(".feedback").forEach(function (f) { f.hidden = !data.turn; });
    } catch (err) {
      li.classList.remove("loading");
      failed(li, userLi, question, "Connection problem", "Could not reach roleqa. Check your connection and try again.");
    } finally {
      busy = false;
      send.disabled = false;
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

  list.addEventListener("click", async function (event) {
    const target = event.target.closest("button, a.cite");
    if (!target) return;
    const turnEl = target.closest(".msg.bot");
    if (target.matches("a.cite")) {
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
    } else if (target.closest(".feedback")) {
      event.preventDefault();
      const rating = target.dataset.rating || target.value;
      const res = await fetch("/web/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ conversation_id: cidInput.value, turn: Number(turnEl.dataset.turn), rating: rating }),
      });
      if (res.ok) {
        turnEl.querySelectorAll(".feedback .icon").forEach(function (b) {
          b.classList.remove("chosen");
          b.setAttribute("aria-pressed", "false");
        });
        target.classList.add("chosen");
        target.setAttribute("aria-pressed", "true");
      }
    }
  });

  if (location.hash) {
    const m = /^#c(\d+)-(\d+)$/.exec(location.hash);
    if (m) openSource(document.getElementById("t" + m[1]), m[2]);
  }
})();

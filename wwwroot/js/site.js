// The few lines of behaviour HTML cannot express yet: tabs that follow the URL hash, modal dialogs, card changes said aloud
// and script lengths counted as they are typed.
(function () {
    "use strict";

    function showTab() {
        var hash = location.hash.slice(1) || "create-video";
        document.querySelectorAll(".tabs a").forEach(function (a) {
            a.setAttribute("aria-current", a.getAttribute("href") === "#" + hash ? "true" : "false");
        });
        var editor = document.querySelector("#" + CSS.escape(hash) + " textarea");
        if (editor) editor.focus();
    }
    window.addEventListener("hashchange", showTab);
    document.addEventListener("DOMContentLoaded", showTab);

    // Buttons name the dialog they open and fill in what it is about (data-fill names one of the opener's data-
    // attributes); focus goes back to the opener, or to its card's first action when the opener is gone.
    document.addEventListener("click", function (e) {
        var opener = e.target.closest("[data-opens]");
        if (!opener) return;
        var dialog = document.getElementById(opener.dataset.opens);
        if (!dialog) return;
        // An opener may be a link to a page with the same form, for browsers without this script.
        e.preventDefault();
        dialog.querySelectorAll("[data-fill]").forEach(function (field) {
            var value = opener.getAttribute("data-" + field.dataset.fill) || "";
            if (field instanceof HTMLInputElement) field.value = value; else field.textContent = value;
        });
        dialog.querySelectorAll("[data-clear-on-open]").forEach(function (message) { message.textContent = ""; });
        var card = opener.closest(".video-card");
        dialog.dataset.returnFocus = opener.id;
        dialog.dataset.returnCard = card ? card.id : "";
        if (dialog.querySelector("form[data-upload]")) loadUploader();
        dialog.showModal();
    });
    document.addEventListener("close", function (e) {
        var dialog = e.target;
        if (!(dialog instanceof HTMLDialogElement) || !dialog.dataset.returnFocus) return;
        var back = document.getElementById(dialog.dataset.returnFocus);
        var card = document.getElementById(dialog.dataset.returnCard);
        if (!back && card) back = firstAction(card);
        if (back) back.focus();
    }, true);
    // A dialog's action closes it once it succeeded; a refusal stays in the dialog, beside what was entered.
    document.addEventListener("htmx:afterRequest", function (e) {
        var status = e.detail.xhr ? e.detail.xhr.status : 0;
        if (!e.target.hasAttribute || !e.target.hasAttribute("data-closes-dialog") || status < 200 || status > 299) return;
        if (e.target instanceof HTMLFormElement) e.target.reset();
        e.target.closest("dialog").close();
    });
    document.addEventListener("click", function (e) {
        var dismiss = e.target.closest && e.target.closest("[data-dismiss-dialog]");
        if (dismiss) dismiss.closest("dialog").close();
    });

    // A card's first action (Upload), ahead of a button in a notice such as Undo.
    function firstAction(card) {
        return card.querySelector(".actions button:not([disabled])") || card.querySelector("button:not([disabled])");
    }

    // A card swapped in while focus was inside it (Delete after deleting, or a live update that replaced it first) hands
    // focus to its first action, whichever of the two swaps came first; focus elsewhere on the page is never taken.
    var focusedCard = null;
    document.addEventListener("focusin", function (e) {
        var card = e.target.closest && e.target.closest(".video-card");
        focusedCard = card ? card.id : null;
    });
    document.addEventListener("htmx:load", function (e) {
        var card = e.target;
        if (!card.classList || !card.classList.contains("video-card") || card.id !== focusedCard) return;
        if (document.activeElement && document.activeElement !== document.body) return;
        var first = firstAction(card);
        if (first) first.focus();
    });

    // A running render says how long it has run; the server rendered the start time for pages without this script.
    function showElapsed() {
        document.querySelectorAll("time[data-elapsed]").forEach(function (time) {
            var minutes = Math.max(0, Math.floor((Date.now() - Date.parse(time.getAttribute("datetime"))) / 60000));
            time.textContent = minutes < 1 ? "less than a minute ago" : minutes === 1 ? "1 minute ago" : minutes + " minutes ago";
        });
    }
    document.addEventListener("htmx:load", showElapsed);
    setInterval(showElapsed, 30000);

    // A retry of a step HeyGen did not answer counts down in the server's words; data-countdown holds the seconds left
    // when the card was rendered, so a clock that differs from the server's does not matter.
    var countdownsFrom = new WeakMap();
    function showCountdowns() {
        document.querySelectorAll("time[data-countdown]").forEach(function (time) {
            if (!countdownsFrom.has(time)) countdownsFrom.set(time, Date.now() + 1000 * Number(time.dataset.countdown));
            var seconds = Math.ceil((countdownsFrom.get(time) - Date.now()) / 1000);
            time.textContent = seconds <= 0 ? "now" : seconds < 90 ? "in " + seconds + " s" : "in " + Math.round(seconds / 60) + " min";
        });
    }
    document.addEventListener("htmx:load", showCountdowns);
    setInterval(showCountdowns, 1000);

    // An outcome's Undo is offered until the time the server wrote on it (data-until); the server refuses it after that too.
    function dropExpired() {
        document.querySelectorAll("[data-until]").forEach(function (offer) {
            if (Date.parse(offer.dataset.until) <= Date.now()) offer.remove();
        });
    }
    document.addEventListener("htmx:load", dropExpired);
    setInterval(dropExpired, 5000);

    // The open History re-reads itself after a restore or a live change; focus that was on a button it replaced goes to its title.
    document.addEventListener("htmx:load", function (e) {
        if (e.target.id !== "history-panel") return;
        var dialog = e.target.closest("dialog");
        if (dialog && dialog.open && (!document.activeElement || document.activeElement === document.body)) {
            dialog.querySelector("h2").focus();
        }
    });

    // Notices of other items: dismissed by their button; the oldest go when more than three are shown.
    document.addEventListener("click", function (e) {
        var dismiss = e.target.closest("[data-dismiss-notice]");
        if (dismiss) dismiss.closest(".toast").remove();
    });
    document.addEventListener("htmx:load", function (e) {
        if (!e.target.classList || !e.target.classList.contains("toast")) return;
        var shown = document.querySelectorAll("#notices .toast");
        for (var i = 3; i < shown.length; i++) shown[i].remove();
    });

    // Script editors count characters as they are typed, against HeyGen's limit for an AI video (the server says the same).
    document.addEventListener("input", function (e) {
        var editor = e.target.closest && e.target.closest("form.script-editor");
        if (!editor || e.target.tagName !== "TEXTAREA") return;
        var length = e.target.value.length;
        var count = editor.querySelector("[data-char-count]");
        if (count) count.textContent = length.toLocaleString("en-US");
        var over = editor.querySelector("[data-over-limit]");
        if (over) over.hidden = length <= Number(over.dataset.overLimit);
    });
    // Leaving the page with unsaved script text or a running upload asks first.
    window.addEventListener("beforeunload", function (e) {
        var unsaved = Array.prototype.some.call(document.querySelectorAll(".script-editor textarea"), function (t) {
            return t.value !== t.defaultValue;
        });
        if (unsaved || document.querySelector("form[data-uploading]")) e.preventDefault();
    });

    // The upload dialog's resumable client (js/upload.js) is fetched when an upload dialog first opens, not with the page.
    // Should it fail to load, the form is sent as the plain POST it is without JavaScript.
    var uploader = null;
    function loadUploader() {
        uploader = uploader || new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = "/js/upload.js";
            script.onload = function () { resolve(window.VideoStudioUpload); };
            script.onerror = reject;
            document.head.appendChild(script);
        });
        return uploader;
    }
    document.addEventListener("submit", function (e) {
        var form = e.target.closest && e.target.closest("form[data-upload]");
        if (!form) return;
        e.preventDefault();
        loadUploader().then(function (upload) { upload.start(form); }, function () { form.submit(); });
    });

    // The server names each card's latest change in words (data-announce) with a key for it; when a swapped-in card
    // carries a new key, the words are said in the polite live region, for people who do not see the card change.
    var announced = {};
    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll(".video-card").forEach(function (card) { announced[card.id] = card.dataset.announceKey; });
    });
    // Newest state wins, whatever the arrival order: a card never replaces one of a higher version (data-version counts the
    // slot's committed changes), whether it comes from the stream, the editor's own request or a poll. A live update that
    // shows what the card already shows is dropped too, since swapping it in would stop a playing video; the card then
    // takes its version, so a late answer older than it is still recognised.
    function attribute(html, name) {
        var found = new RegExp("^\\s*<section[^>]*\\s" + name + "=\"([^\"]*)\"").exec(html || "");
        return found ? found[1] : null;
    }
    function isOlder(card, html) {
        var incoming = attribute(html, "data-version");
        return incoming !== null && Number(incoming) < Number(card.dataset.version);
    }
    document.addEventListener("htmx:sseBeforeMessage", function (e) {
        var card = document.getElementById(e.detail.type), html = e.detail.data;
        if (!card || !card.classList.contains("video-card")) return;
        if (isOlder(card, html)) { e.preventDefault(); return; }
        if (attribute(html, "data-fingerprint") === card.dataset.fingerprint) {
            card.dataset.version = attribute(html, "data-version") || card.dataset.version;
            e.preventDefault();
        }
    });
    document.addEventListener("htmx:beforeSwap", function (e) {
        var card = e.detail.target;
        if (card && card.classList && card.classList.contains("video-card") && isOlder(card, e.detail.serverResponse)) {
            e.detail.shouldSwap = false;
        }
    });
    document.addEventListener("htmx:load", function (e) {
        var card = e.target;
        if (!card.classList || !card.classList.contains("video-card")) return;
        var key = card.dataset.announceKey, before = announced[card.id];
        announced[card.id] = key;
        if (key && key !== before && card.dataset.announce) document.getElementById("announcer").textContent = card.dataset.announce;
    });
})();

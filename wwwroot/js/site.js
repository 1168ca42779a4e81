// The few lines of behaviour HTML cannot express yet: tabs that follow the URL hash, modal dialogs, and card changes said aloud.
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

    // Buttons name the dialog they open; focus goes back to the opener (or its re-rendered twin) on close.
    document.addEventListener("click", function (e) {
        var opener = e.target.closest("[data-opens]");
        if (!opener) return;
        var dialog = document.getElementById(opener.dataset.opens);
        if (!dialog) return;
        dialog.dataset.returnFocus = opener.id;
        dialog.showModal();
    });
    document.addEventListener("close", function (e) {
        var dialog = e.target;
        if (!(dialog instanceof HTMLDialogElement) || !dialog.dataset.returnFocus) return;
        var back = document.getElementById(dialog.dataset.returnFocus);
        if (back) back.focus();
    }, true);

    // A card swapped in (by its own request or by the live stream) is compared with what it showed before, and the change is
    // said in words in the polite live region, for people who do not see the card change.
    var cards = {};
    function remember(card) {
        var video = card.querySelector("video");
        var before = cards[card.id];
        cards[card.id] = { state: card.dataset.state, video: video && video.getAttribute("src") };
        return before;
    }
    function words(element) {
        return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
    }
    function failureReason(card) {
        var notice = card.querySelector(".notice-error p"), lead = words(notice && notice.querySelector("strong"));
        return words(notice).replace(lead, "").trim() || lead;
    }
    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll(".video-card").forEach(remember);
    });
    document.addEventListener("htmx:load", function (e) {
        var card = e.target;
        if (!card.classList || !card.classList.contains("video-card")) return;
        var before = remember(card), after = cards[card.id];
        if (!before) return;
        var title = card.querySelector("h3").lastChild.textContent.trim();
        var message =
            after.state === "failed" && before.state !== "failed" ? "AI video for " + title + " failed: " + failureReason(card)
            : after.video && after.video !== before.video
                ? (before.state === "generating" ? "AI video for " + title + " is ready" : "Upload finished: " + title)
            : before.video && !after.video ? "Video deleted: " + title
            : after.state === "generating" && before.state !== "generating" ? "Creating AI video for " + title
            : null;
        if (message) document.getElementById("announcer").textContent = message;
    });
})();

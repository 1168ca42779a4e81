// The few lines of behaviour HTML cannot express yet: tabs that follow the URL hash, and modal dialogs.
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
})();

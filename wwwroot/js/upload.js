// The upload dialog's resumable uploads (tus 1.0, the server's ResumableUploads.cs), fetched by site.js when an upload dialog
// first opens. The file goes in chunks (8 MiB unless configured); a dropped connection is retried by itself; after a reload or a closed tab the
// same file chosen again continues where it stopped (its fingerprint and upload URL are kept in localStorage).
(function () {
    "use strict";
    var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000];
    var SPEED_WINDOW = 5000;
    var running = new WeakMap();

    function token() {
        try { return JSON.parse(document.body.getAttribute("hx-headers")).RequestVerificationToken; } catch (e) { return ""; }
    }
    var failedRequest = { status: 0, responseText: "", getResponseHeader: function () { return null; } };
    function send(method, url, headers, body, state, onProgress) {
        return new Promise(function (resolve) {
            var xhr = new XMLHttpRequest();
            xhr.open(method, url);
            xhr.setRequestHeader("Tus-Resumable", "1.0.0");
            xhr.setRequestHeader("RequestVerificationToken", token());
            Object.keys(headers).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
            if (onProgress) xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
            xhr.onload = function () { resolve(xhr); };
            xhr.onerror = xhr.onabort = xhr.ontimeout = function () { resolve(failedRequest); };
            state.xhr = xhr;
            xhr.send(body);
        });
    }
    function offsetOf(xhr) { return Number(xhr.getResponseHeader("Upload-Offset")); }
    // The server words every refusal itself, as plain text.
    function refusal(xhr) {
        var plain = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
        return { error: plain && xhr.responseText ? xhr.responseText : "The upload was refused (HTTP " + xhr.status + "). Try again." };
    }
    function worthRetrying(status) { return status === 0 || status === 408 || status === 423 || status === 460 || (status >= 500 && status !== 507); }

    function fingerprint(form, file) { return "upload:" + form.dataset.tus + ":" + [file.name, file.size, file.lastModified, file.type].join(":"); }
    function base64(text) { return btoa(unescape(encodeURIComponent(text))); }
    function megabytes(n) {
        return n >= 1073741824 ? (n / 1073741824).toFixed(2) + " GB" : n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.round(n / 1024) + " KB";
    }
    function duration(seconds) {
        if (seconds < 60) return Math.max(1, Math.round(seconds)) + " s";
        if (seconds < 3600) return Math.round(seconds / 60) + " min";
        return Math.floor(seconds / 3600) + " h " + Math.round((seconds % 3600) / 60) + " min";
    }

    function showError(form, message) { form.querySelector(".upload-error").textContent = message || ""; }
    function say(state, text) { state.form.querySelector("[data-progress-text]").textContent = text; }
    function buttons(form, uploading, paused) {
        form.querySelector("[data-pause-upload]").hidden = !uploading || paused;
        form.querySelector("[data-resume-upload]").hidden = !paused;
        form.querySelector("[data-question]").hidden = true;
        form.querySelector(".dialog-actions").hidden = false;
        form.querySelector("button[type=submit]").hidden = uploading;
        form.querySelector(".upload-progress").hidden = !uploading;
    }
    function accepted(file, accept) {
        var name = file.name.toLowerCase();
        return accept.split(",").some(function (a) {
            a = a.trim().toLowerCase();
            return a.charAt(0) === "." ? name.endsWith(a) : file.type === a;
        });
    }
    // The same checks as the server, before anything is sent.
    function problemWith(form, file) {
        return !file ? "Choose a video file to upload."
            : file.size === 0 ? "This file is empty. Choose the video file again."
            : file.size > Number(form.dataset.maxBytes) ? "This file is larger than the limit of " + form.dataset.maxText + ". Upload a smaller or more compressed video."
            : !accepted(file, form.dataset.accept) ? "This file is not a video we can play. Upload an MP4, MOV or WebM file."
            : "";
    }

    function progress(state, sent) {
        var now = Date.now(), size = state.file.size, samples = state.samples;
        samples.push([now, sent]);
        while (samples.length > 2 && now - samples[0][0] > SPEED_WINDOW) samples.shift();
        var percent = Math.floor(100 * sent / size);
        state.form.querySelector("progress").value = percent;
        var text = percent + "% · " + megabytes(sent) + " of " + megabytes(size);
        var span = (now - samples[0][0]) / 1000, speed = span > 0.5 ? (sent - samples[0][1]) / span : 0;
        if (speed > 0) text += " · " + megabytes(speed) + "/s · about " + duration((size - sent) / speed) + " left";
        if (state.resumedFrom) text += " · continued from " + Math.floor(100 * state.resumedFrom / size) + "%";
        say(state, text);
    }

    // Finds the upload this file already has on the server, or starts one.
    async function locate(state) {
        var saved = localStorage.getItem(state.key);
        if (saved) {
            var head = await send("HEAD", saved, {}, null, state);
            if (head.status === 200) {
                state.url = saved;
                state.offset = state.resumedFrom = offsetOf(head);
                return "ok";
            }
            if (worthRetrying(head.status)) return "retry";
            localStorage.removeItem(state.key);
        }
        var created = await send("POST", state.form.dataset.tus,
            { "Upload-Length": String(state.file.size), "Upload-Metadata": "filename " + base64(state.file.name) }, null, state);
        if (created.status !== 201) return worthRetrying(created.status) ? "retry" : refusal(created);
        state.url = created.getResponseHeader("Location");
        state.offset = 0;
        localStorage.setItem(state.key, state.url);
        return "ok";
    }

    async function sendChunk(state) {
        var from = state.offset, to = Math.min(from + Number(state.form.dataset.chunkBytes), state.file.size);
        var headers = { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(from) };
        if (state.shapeChoice) headers["Shape-Choice"] = state.shapeChoice;
        var answer = await send("PATCH", state.url, headers, state.file.slice(from, to), state, function (loaded) { progress(state, from + loaded); });
        if (answer.status === 204) {
            state.offset = offsetOf(answer);
            return state.offset >= state.file.size ? "done" : "ok";
        }
        if (answer.status === 404 || answer.status === 410) {
            // Expired or removed on the server: the file starts again as a new upload.
            localStorage.removeItem(state.key);
            state.url = null;
            return "ok";
        }
        if (answer.status === 409 || worthRetrying(answer.status)) {
            // Where the server really is decides the next chunk.
            var head = await send("HEAD", state.url, {}, null, state);
            if (head.status === 200) state.offset = offsetOf(head);
            return answer.status === 409 && head.status === 200 ? "ok" : "retry";
        }
        // A video whose shape does not fit the slot is all there; the editor decides whether it becomes the slot's video.
        if (answer.status === 422 && answer.getResponseHeader("Shape-Misfit")) return { question: answer.responseText };
        localStorage.removeItem(state.key);
        return refusal(answer);
    }

    function pauseFor(ms, state) {
        return new Promise(function (resolve) {
            var timer = setTimeout(done, ms);
            function done() { clearTimeout(timer); window.removeEventListener("online", done); state.wake = null; resolve(); }
            window.addEventListener("online", done);
            state.wake = done;
        });
    }

    async function run(state) {
        var failures = 0;
        while (!state.cancelled && !state.paused) {
            var outcome = state.url ? await sendChunk(state) : await locate(state);
            if (state.cancelled || state.paused) return;
            if (outcome === "done") return finish(state);
            if (outcome === "ok") { failures = 0; continue; }
            if (outcome === "retry") {
                say(state, "The connection dropped at " + Math.floor(100 * state.offset / state.file.size) + "%; continuing by itself as soon as it is back…");
                await pauseFor(RETRY_DELAYS[Math.min(failures++, RETRY_DELAYS.length - 1)], state);
                continue;
            }
            if (outcome.question) return ask(state, outcome.question);
            return stop(state, outcome.error);
        }
    }

    // The question and its two answers replace the dialog's own buttons until the editor chooses.
    function ask(state, question) {
        var form = state.form;
        buttons(form, true, true);
        say(state, "Uploaded; waiting for your choice.");
        form.querySelector("[data-question-text]").textContent = question;
        form.querySelector(".dialog-actions").hidden = true;
        form.querySelector("[data-question]").hidden = false;
        form.querySelector("[data-use-anyway]").focus();
    }

    function stop(state, message) {
        running.delete(state.form);
        delete state.form.dataset.uploading;
        buttons(state.form, false, false);
        state.form.querySelector("progress").value = 0;
        showError(state.form, message);
    }

    function finish(state) {
        var form = state.form;
        localStorage.removeItem(state.key);
        stop(state, "");
        form.reset();
        form.closest("dialog").close();
        htmx.ajax("GET", form.dataset.cardUrl, { target: "#" + form.dataset.card, swap: "outerHTML" });
    }

    function start(form) {
        if (running.get(form)) return;
        var file = form.querySelector("input[type=file]").files[0];
        var problem = problemWith(form, file);
        showError(form, problem);
        if (problem) return;
        var state = { form: form, file: file, key: fingerprint(form, file), url: null, offset: 0, samples: [] };
        running.set(form, state);
        form.dataset.uploading = "true";
        buttons(form, true, false);
        say(state, "Starting…");
        run(state);
    }

    function cancel(form) {
        var state = running.get(form);
        if (!state) return;
        state.cancelled = true;
        if (state.xhr) state.xhr.abort();
        if (state.wake) state.wake();
        if (state.url) send("DELETE", state.url, {}, null, {});
        localStorage.removeItem(state.key);
        stop(state, "");
    }

    document.addEventListener("click", function (e) {
        var form = e.target.closest && e.target.closest("form[data-upload]");
        if (!form) return;
        var state = running.get(form);
        if (e.target.closest("[data-cancel-upload]")) {
            form.closest("dialog").close();
        } else if (state && e.target.closest("[data-pause-upload]")) {
            state.paused = true;
            if (state.xhr) state.xhr.abort();
            if (state.wake) state.wake();
            buttons(form, true, true);
            say(state, "Paused at " + form.querySelector("progress").value + "%.");
        } else if (state && e.target.closest("[data-use-anyway]")) {
            state.shapeChoice = "use-anyway";
            buttons(form, true, false);
            form.querySelector("[data-pause-upload]").focus();
            run(state);
        } else if (state && e.target.closest("[data-resume-upload]")) {
            state.paused = false;
            state.samples = [];
            buttons(form, true, false);
            run(state);
        }
    });
    // Closing the dialog (Cancel, Escape) while a file is going stops it and leaves no message behind.
    document.addEventListener("close", function (e) {
        var form = e.target.querySelector && e.target.querySelector("form[data-upload]");
        if (form) cancel(form);
    }, true);
    document.addEventListener("change", function (e) {
        var form = e.target.closest && e.target.closest("form[data-upload]");
        if (form && e.target.type === "file") showError(form, "");
    });
    document.addEventListener("dragover", function (e) {
        if (e.target.closest && e.target.closest("[data-dropzone]")) e.preventDefault();
    });
    document.addEventListener("drop", function (e) {
        var zone = e.target.closest && e.target.closest("[data-dropzone]");
        if (!zone || !e.dataTransfer.files.length) return;
        e.preventDefault();
        zone.querySelector("input[type=file]").files = e.dataTransfer.files;
        showError(zone.closest("form"), "");
    });

    window.VideoStudioUpload = { start: start };
})();

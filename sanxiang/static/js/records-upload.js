/*
 * Chunked, resumable evidence upload over the tus 1.0.0 endpoints (creation, checksum, termination).
 * The project's own small client: no framework, no CDN.
 *
 * - POST <endpoint> with Upload-Length and Upload-Metadata (the form's fields) creates the upload;
 * - PATCH <upload> sends the file in chunks (data-chunk-bytes), each with Upload-Checksum (SHA-256)
 *   where the browser offers crypto.subtle (HTTPS or localhost);
 * - after a network error it waits (1 s, 2 s, 4 s … up to 30 s), asks the server for its offset (HEAD)
 *   and continues from there; after a 409 or 460 it does the same at once;
 * - the upload's address is kept in localStorage under the file's name, size and date, so choosing the
 *   same file again after closing the page continues where it stopped;
 * - the answer to the last chunk carries X-Evidence-Id; the page then opens the new record.
 * Without JavaScript the form posts the file in one multipart request instead.
 */
(function () {
  "use strict";

  var form = document.getElementById("evidence-upload-form");
  if (!form || !window.fetch || !window.Blob || !window.TextEncoder) {
    return;
  }
  var endpoint = form.getAttribute("data-tus-endpoint");
  var chunkBytes = parseInt(form.getAttribute("data-chunk-bytes"), 10);
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
  var maxLabel = form.getAttribute("data-max-label");
  var detailUrl = form.getAttribute("data-detail-url");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var fileInput = form.querySelector("input[type=file]");
  var submit = document.getElementById("upload-submit");
  var cancel = document.getElementById("upload-cancel");
  var box = document.getElementById("upload-progress-box");
  var bar = document.getElementById("upload-progress");
  var statusText = document.getElementById("upload-status");
  var errors = document.getElementById("upload-errors");
  var TUS = "1.0.0";
  var MAX_WAIT_MS = 30000;
  var MAX_FAILURES = 40;
  var current = null;

  function b64(bytes) {
    var binary = "";
    var view = new Uint8Array(bytes);
    for (var i = 0; i < view.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  function b64Text(text) {
    return b64(new TextEncoder().encode(text));
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function headers(extra) {
    var result = {"Tus-Resumable": TUS, "X-CSRFToken": csrf};
    for (var key in extra) {
      if (Object.prototype.hasOwnProperty.call(extra, key)) {
        result[key] = extra[key];
      }
    }
    return result;
  }

  function storageKey(file) {
    return "sanxiang-upload:" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  function remember(file, url) {
    try { localStorage.setItem(storageKey(file), url); } catch (e) { /* private mode: no resume after reload */ }
  }

  function forget(file) {
    try { localStorage.removeItem(storageKey(file)); } catch (e) { /* nothing kept */ }
  }

  function remembered(file) {
    try { return localStorage.getItem(storageKey(file)); } catch (e) { return null; }
  }

  function clearErrors() {
    errors.hidden = true;
    errors.innerHTML = "";
    var lists = form.querySelectorAll(".field .errorlist");
    for (var i = 0; i < lists.length; i++) {
      lists[i].hidden = true;
      lists[i].innerHTML = "";
      lists[i].parentNode.classList.remove("has-error");
    }
  }

  function addError(list, message) {
    var item = document.createElement("li");
    item.textContent = message;
    list.appendChild(item);
    list.hidden = false;
  }

  function showErrors(body) {
    if (typeof body === "string") {
      addError(errors, body);
      return;
    }
    for (var field in body) {
      if (!Object.prototype.hasOwnProperty.call(body, field)) { continue; }
      var messages = [].concat(body[field]);
      var name = field === "original_name" ? "file" : field;
      var container = form.querySelector(".field[data-field='" + name + "']");
      var list = container ? container.querySelector(".errorlist") : errors;
      if (container) { container.classList.add("has-error"); }
      for (var i = 0; i < messages.length; i++) { addError(list, messages[i]); }
    }
  }

  function readError(response) {
    return response.json().then(function (body) {
      return body || ("HTTP " + response.status);
    }, function () {
      return "服务器返回错误（HTTP " + response.status + "）";
    });
  }

  function setStatus(text, fraction) {
    box.hidden = false;
    statusText.textContent = text;
    if (typeof fraction === "number") {
      bar.value = Math.floor(fraction * 100);
    }
  }

  function metadata(file) {
    var pairs = ["filename " + b64Text(file.name)];
    var data = new FormData(form);
    var officers = data.getAll("officers");
    var seen = {};
    data.forEach(function (value, key) {
      if (key === "csrfmiddlewaretoken" || key === "file" || key === "officers" || seen[key]) { return; }
      seen[key] = true;
      if (typeof value === "string" && value !== "") {
        pairs.push(key + " " + b64Text(value));
      }
    });
    if (officers.length) {
      pairs.push("officers " + b64Text(officers.join(",")));
    }
    return pairs.join(",");
  }

  function offsetOf(url) {
    return fetch(url, {method: "HEAD", headers: headers({}), credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (response.status === 200) {
          return {
            offset: parseInt(response.headers.get("Upload-Offset"), 10),
            evidence: response.headers.get("X-Evidence-Id")
          };
        }
        return null;
      });
  }

  function create(file) {
    return fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: headers({"Upload-Length": String(file.size), "Upload-Metadata": metadata(file)})
    }).then(function (response) {
      if (response.status === 201) {
        return response.headers.get("Location");
      }
      return readError(response).then(function (body) { throw {body: body}; });
    });
  }

  async function checksum(piece) {
    if (!window.crypto || !window.crypto.subtle) {
      return {body: piece, header: null};
    }
    var buffer = await piece.arrayBuffer();
    var digest = await window.crypto.subtle.digest("SHA-256", buffer);
    return {body: buffer, header: "sha256 " + b64(digest)};
  }

  async function send(url, file, offset) {
    var failures = 0;
    while (true) {
      if (current && current.cancelled) { throw {cancelled: true}; }
      var end = Math.min(offset + chunkBytes, file.size);
      var prepared = await checksum(file.slice(offset, end));
      var extra = {"Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream"};
      if (prepared.header) { extra["Upload-Checksum"] = prepared.header; }
      var response = null;
      try {
        response = await fetch(url, {method: "PATCH", headers: headers(extra), body: prepared.body, credentials: "same-origin"});
      } catch (networkError) {
        response = null;
      }
      if (response && response.status === 204) {
        failures = 0;
        offset = parseInt(response.headers.get("Upload-Offset"), 10);
        var evidence = response.headers.get("X-Evidence-Id");
        setStatus("已上传 " + Math.floor(offset / file.size * 100) + "%", offset / file.size);
        if (evidence) { return evidence; }
        continue;
      }
      if (response && response.status !== 409 && response.status !== 460 && response.status < 500) {
        throw {body: await readError(response), status: response.status};
      }
      failures += 1;
      if (failures > MAX_FAILURES) {
        throw {body: "多次重试仍未成功，请检查网络后重新选择同一文件继续上传"};
      }
      if (!response || response.status >= 500) {
        var wait = Math.min(MAX_WAIT_MS, 1000 * Math.pow(2, Math.min(failures - 1, 5)));
        setStatus("网络中断，" + Math.round(wait / 1000) + " 秒后从断点继续…", offset / file.size);
        await sleep(wait);
      }
      var state = null;
      try { state = await offsetOf(url); } catch (e) { state = null; }
      if (state && state.evidence) { return state.evidence; }
      if (state) { offset = state.offset; }
    }
  }

  async function start() {
    clearErrors();
    var file = fileInput && fileInput.files && fileInput.files[0];
    if (!file) {
      showErrors({file: ["请选择要上传的文件"]});
      return;
    }
    if (file.size > maxBytes) {
      showErrors({file: ["文件超过上传大小上限（" + maxLabel + "）"]});
      return;
    }
    if (file.size === 0) {
      showErrors({file: ["文件为空"]});
      return;
    }
    submit.disabled = true;
    cancel.hidden = false;
    current = {file: file, url: null, cancelled: false};
    try {
      var url = remembered(file);
      var offset = 0;
      var state = null;
      if (url) {
        try { state = await offsetOf(url); } catch (e) { state = null; }
      }
      if (state && state.evidence) {
        forget(file);
        window.location.href = detailUrl.replace("{id}", state.evidence);
        return;
      }
      if (state) {
        offset = state.offset;
        setStatus("继续上次中断的上传…", offset / file.size);
      } else {
        setStatus("正在建立上传…", 0);
        url = await create(file);
        remember(file, url);
      }
      current.url = url;
      var evidence = await send(url, file, offset);
      forget(file);
      setStatus("上传完成，已登记", 1);
      window.location.href = detailUrl.replace("{id}", evidence);
    } catch (problem) {
      if (problem && problem.cancelled) {
        setStatus("已放弃上传", 0);
      } else {
        if (problem && problem.status && problem.status !== 409) { forget(file); }
        showErrors(problem && problem.body ? problem.body : "上传失败：" + String(problem));
        setStatus("上传未完成", null);
      }
    } finally {
      submit.disabled = false;
      cancel.hidden = true;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    start();
  });

  cancel.addEventListener("click", function () {
    if (!current) { return; }
    current.cancelled = true;
    forget(current.file);
    if (current.url) {
      fetch(current.url, {method: "DELETE", headers: headers({}), credentials: "same-origin"});
    }
  });
}());

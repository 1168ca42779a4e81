#!/usr/bin/env python3
"""A tus 1.0 client for bench/upload/run.sh: sends a file in fixed chunks, optionally hanging up halfway through one chunk
once half the file has gone, and prints how many bytes it sent in all (a resumed upload re-sends what the server lost).

Usage: tus.py URL CREATE_PATH FILE CHUNK_BYTES COOKIE TOKEN [cut]"""
import http.client
import socket
import sys
import time
import urllib.parse

url, create_path, path, chunk, cookie, token = sys.argv[1:7]
cut = len(sys.argv) > 7 and sys.argv[7] == "cut"
chunk = int(chunk)
target = urllib.parse.urlparse(url)
base = {"Tus-Resumable": "1.0.0", "RequestVerificationToken": token, "Cookie": cookie}

with open(path, "rb") as f:
    f.seek(0, 2)
    size = f.tell()
    conn = http.client.HTTPConnection(target.hostname, target.port)
    conn.request("POST", create_path, headers={**base, "Upload-Length": str(size), "Upload-Metadata": "filename YmlnLm1wNA=="})
    created = conn.getresponse()
    created.read()
    if created.status != 201:
        sys.exit(f"create answered {created.status}")
    location = created.getheader("Location")

    offset, sent, cut_done, cut_at = 0, 0, not cut, None
    while offset < size:
        f.seek(offset)
        data = f.read(chunk)
        if not cut_done and offset >= size // 2:
            # A dropped network: the headers promise a whole chunk, half of it goes, then the connection is gone.
            raw = socket.create_connection((target.hostname, target.port))
            head = (f"PATCH {location} HTTP/1.1\r\nHost: {target.netloc}\r\nContent-Type: application/offset+octet-stream\r\n"
                    f"Content-Length: {len(data)}\r\nUpload-Offset: {offset}\r\n"
                    + "".join(f"{k}: {v}\r\n" for k, v in base.items()) + "\r\n")
            raw.sendall(head.encode() + data[: len(data) // 2])
            sent += len(data) // 2
            raw.close()
            cut_done, cut_at = True, offset
            while True:
                conn.request("HEAD", location, headers=base)
                answer = conn.getresponse()
                answer.read()
                resumed = int(answer.getheader("Upload-Offset"))
                # The server may still be noticing the cut (it holds the upload's lock until then).
                conn.request("PATCH", location, body=b"", headers={**base, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(resumed)})
                probe = conn.getresponse()
                probe.read()
                if probe.status == 204:
                    break
                time.sleep(0.2)
            offset = resumed
            continue
        conn.request("PATCH", location, body=data, headers={**base, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)})
        answer = conn.getresponse()
        answer.read()
        if answer.status != 204:
            sys.exit(f"PATCH at {offset} answered {answer.status}: {answer.getheader('Content-Type')}")
        sent += len(data)
        offset = int(answer.getheader("Upload-Offset"))

print(f"{size} {sent} {cut_at if cut_at is not None else -1}")

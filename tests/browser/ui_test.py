#!/usr/bin/python3
"""The web UI of `charthouse serve` in a real browser: Debian's headless Chromium driven through
chromedriver (python3-selenium). Starts its own server (htpasswd auth and access rules), pushes
real charts (grafana in two versions, kube-prometheus-stack with its dependencies, alertmanager,
Helm's own `helm create` chart, a private chart and a chart full of script payloads), then walks
the pages as anonymous, as a user without rights to a namespace and as one with every right.
Screenshots of each page go to $UI_SCREENSHOTS (default: <build>/ui-screenshots).

Usage: ui_test.py <charthouse binary> <helm binary> <fixtures/charts dir>
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CH, HELM, FIXTURES = sys.argv[1], sys.argv[2], sys.argv[3]
SHOTS = os.environ.get("UI_SCREENSHOTS", os.path.join(os.path.dirname(os.path.abspath(CH)), "ui-screenshots"))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what, flush=True)


def run(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed: %s %s" % (" ".join(args), r.stdout, r.stderr))
    return r.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'


def make_charts(work):
    """Chart sources: grafana 2 versions, the XSS chart, a private chart, helm create."""
    src = os.path.join(work, "src")
    shutil.copytree(os.path.join(FIXTURES, "grafana-community", "grafana"), os.path.join(src, "grafana1"))
    shutil.copytree(os.path.join(FIXTURES, "grafana-community", "grafana"), os.path.join(src, "grafana2"))
    g2 = os.path.join(src, "grafana2")
    chart_yaml = open(os.path.join(g2, "Chart.yaml")).read()
    chart_yaml = re.sub(r"(?m)^version: .*$", "version: 99.1.0", chart_yaml)
    write(os.path.join(g2, "Chart.yaml"), chart_yaml)
    # This fixture's README has no table; the second version documents its parameters in one.
    with open(os.path.join(g2, "README.md"), "a") as f:
        f.write("\n## Parameters\n\n| Parameter | Description | Default |\n|---|---|---|\n"
                "| `replicas` | Number of pods | `7` |\n| `image.tag` | Image tag | `\"\"` |\n\n"
                "- [x] task lists render\n- [ ] as checkboxes\n")
    values = open(os.path.join(g2, "values.yaml")).read()
    values = re.sub(r"(?m)^replicas: 1$", "replicas: 7", values, count=1)
    write(os.path.join(g2, "values.yaml"), values)
    x = os.path.join(src, "xss")
    write(os.path.join(x, "Chart.yaml"),
          "apiVersion: v2\nname: xss\nversion: 1.0.0\ndescription: '%s'\nhome: 'javascript:window.__xss=3'\n"
          "icon: 'javascript:window.__xss=4'\nkeywords: ['<svg onload=window.__xss=5>']\n"
          "maintainers:\n  - name: '<script>window.__xss=6</script>'\n    url: 'javascript:window.__xss=7'\n" % XSS.replace("'", "''"))
    write(os.path.join(x, "values.yaml"), "# %s\nkey: \"%s\"\n" % (XSS, XSS.replace('"', '\\"')))
    write(os.path.join(x, "templates", "cm.yaml"), "# %s\n{{/* %s */}}\napiVersion: v1\nkind: ConfigMap\n" % (XSS, XSS))
    write(os.path.join(x, "README.md"),
          "# XSS\n\n%s\n\n[click](javascript:window.__xss=8)\n\n<a href=\"javascript:window.__xss=9\">a</a>\n\n"
          "![i](javascript:window.__xss=10)\n\n<iframe src=\"javascript:window.__xss=11\"></iframe>\n\n"
          "| a | b |\n|---|---|\n| <script>window.__xss=12</script> | x |\n" % XSS)
    write(os.path.join(x, "values.schema.json"),
          '{"type":"object","properties":{"key":{"type":"string","description":"%s","default":"%s"}}}'
          % (XSS.replace('"', '\\"'), XSS.replace('"', '\\"')))
    p = os.path.join(src, "secret")
    write(os.path.join(p, "Chart.yaml"), "apiVersion: v2\nname: secret\nversion: 0.1.0\ndescription: a private chart\n")
    write(os.path.join(p, "values.yaml"), "token: hidden\n")
    run(HELM, "create", os.path.join(src, "mychart"))
    return src


def main():
    work = tempfile.mkdtemp(prefix="ch-ui-test-")
    server = None
    driver = None
    try:
        os.makedirs(SHOTS, exist_ok=True)
        src = make_charts(work)
        pk = os.path.join(work, "pk")
        for d in ["grafana1", "grafana2", "xss", "secret", "mychart"]:
            run(CH, "package", os.path.join(src, d), "-d", pk)
        # kube-prometheus-stack with its dependencies (the fixtures' own charts) under charts/.
        kps = os.path.join(work, "src", "kube-prometheus-stack")
        shutil.copytree(os.path.join(FIXTURES, "prometheus-community", "kube-prometheus-stack"), kps)
        for dep in ["prometheus-community/kube-state-metrics", "prometheus-community/prometheus-node-exporter",
                    "grafana-community/grafana", "prometheus-community/prometheus-windows-exporter"]:
            run(CH, "package", os.path.join(FIXTURES, dep), "-d", os.path.join(kps, "charts"))
            run(CH, "package", os.path.join(FIXTURES, dep), "-d", pk)
        run(CH, "package", kps, "-d", pk)
        run(CH, "package", os.path.join(FIXTURES, "prometheus-community", "alertmanager"), "-d", pk)
        hp = run("htpasswd", "-nbB", "alice", "alicepw") + run("htpasswd", "-nbB", "bob", "bobpw")
        write(os.path.join(work, "htpasswd"), hp)
        write(os.path.join(work, "access.yaml"),
              "anonymous:\n  pull: ['charts/*']\nusers:\n  alice: {pull: ['*'], push: ['*'], delete: ['*'], catalog: true}\n"
              "  bob: {pull: ['charts/*', 'apps/*']}\n")
        port = free_port()
        base = "http://127.0.0.1:%d" % port
        server = subprocess.Popen([CH, "serve", "--root", os.path.join(work, "root"), "--addr", "127.0.0.1:%d" % port,
                                   "--auth", "htpasswd", "--htpasswd", os.path.join(work, "htpasswd"),
                                   "--access", os.path.join(work, "access.yaml"), "--access-log", "false"],
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        env = dict(os.environ, HOME=work)
        regcfg = os.path.join(work, "registry.json")
        run(CH, "registry", "login", "127.0.0.1:%d" % port, "-u", "alice", "-p", "alicepw", "--plain-http",
            "--registry-config", regcfg, env=env)
        for f in sorted(os.listdir(pk)):
            ns = "private" if f.startswith("secret") else "apps" if f.startswith("mychart") else "charts"
            run(CH, "push", os.path.join(pk, f), "oci://127.0.0.1:%d/%s" % (port, ns), "--plain-http",
                "--registry-config", regcfg, env=env)

        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                  "--user-data-dir=" + os.path.join(work, "chrome")]:
            opts.add_argument(a)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        wait = WebDriverWait(driver, 20)

        def shot(name):
            driver.save_screenshot(os.path.join(SHOTS, name + ".png"))

        def text():
            return driver.find_element(By.TAG_NAME, "body").text

        # Whether the page comes to show `s` within the wait (a page still loading is retried).
        def shows(s):
            try:
                WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,
                                                              NoSuchElementException)).until(
                    lambda d: s in text())
                return True
            except TimeoutException:
                return False

        # Anonymous: charts/* only.
        driver.get(base + "/")
        shot("01-home")
        body = text()
        check("grafana" in body and "kube-prometheus-stack" in body, "home lists the charts of charts/")
        check("secret" not in body and "mychart" not in body, "anonymous does not see private/ or apps/")
        check(len(driver.find_elements(By.CSS_SELECTOR, "section.ns h2")) >= 1, "charts grouped by namespace")

        # Search as you type.
        box = driver.find_element(By.ID, "q")
        box.send_keys("grafana")
        wait.until(lambda d: "alertmanager" not in d.find_element(By.ID, "results").text)
        results = driver.find_element(By.ID, "results").text
        check("grafana" in results and "alertmanager" not in results, "search as you type narrows to grafana")
        check("q=grafana" in driver.current_url, "the URL follows the search")
        shot("02-search")

        # Chart page: README with a rendered table.
        driver.find_element(By.LINK_TEXT, "grafana").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "article.markdown")))
        shot("03-chart-readme")
        check(driver.find_element(By.CSS_SELECTOR, "h1").text.startswith("grafana 99.1.0"), "chart page shows the latest version")
        check(len(driver.find_elements(By.CSS_SELECTOR, "article.markdown table td")) >= 6, "README renders its tables")
        check(len(driver.find_elements(By.CSS_SELECTOR, "article.markdown input[type=checkbox]")) == 2,
              "README renders task lists")
        cmds = [e.get_attribute("data-copy") for e in driver.find_elements(By.CSS_SELECTOR, "button.copy")]
        check(any(c == "helm install grafana oci://127.0.0.1:%d/charts/grafana --version 99.1.0 --plain-http" % port for c in cmds),
              "install command exact for this server")

        # Values.
        driver.find_element(By.LINK_TEXT, "Values").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "pre.yaml .yk")))
        shot("04-values")
        check("replicas" in text(), "values tab shows values.yaml, highlighted")

        # Templates: pick one.
        driver.find_element(By.LINK_TEXT, "Templates").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.files a")))
        links = driver.find_elements(By.CSS_SELECTOR, "nav.files a")
        check(len(links) > 5, "templates listed")
        target = [l for l in links if l.text == "deployment.yaml"]
        (target[0] if target else links[0]).click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "figure.code figcaption")))
        shot("05-template")
        check("templates/" in driver.find_element(By.CSS_SELECTOR, "figure.code figcaption").text, "a template is shown")

        # Versions, then compare.
        driver.find_element(By.PARTIAL_LINK_TEXT, "Versions").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.versions tbody tr")))
        rows = driver.find_elements(By.CSS_SELECTOR, "table.versions tbody tr")
        check(len(rows) == 2, "two versions listed")
        shot("06-versions")
        driver.find_element(By.CSS_SELECTOR, "form.compare button").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.diff-file")))
        shot("07-compare")
        added = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "tr.add"))
        removed = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "tr.del"))
        check("replicas: 7" in added and "replicas: 1" in removed, "compare shows the changed value")
        driver.find_element(By.LINK_TEXT, "side by side").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.diff.split")))
        shot("08-compare-split")

        # kube-prometheus-stack: dependencies link to charts of this registry when there.
        driver.get(base + "/charts/kube-prometheus-stack?tab=dependencies")
        shot("09-dependencies")
        check("kube-state-metrics" in text() and "grafana" in text(), "dependencies listed")
        # The values schema table of a chart that has one.
        driver.get(base + "/charts/xss?tab=schema")
        check(len(driver.find_elements(By.CSS_SELECTOR, "table.schema tbody tr")) == 1, "schema as a table")

        # Hostile chart: nothing runs on any of its pages.
        for tab in ["readme", "values", "schema", "templates", "dependencies", "versions"]:
            driver.get(base + "/charts/xss?tab=" + tab)
            if tab == "readme":
                shot("10-xss")
            check(driver.execute_script("return typeof window.__xss") == "undefined", "xss %s tab runs nothing" % tab)
            hrefs = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
            check(not any(h.lower().startswith("javascript:") for h in hrefs), "xss %s tab has no javascript: link" % tab)
        driver.get(base + "/?q=xss")
        check(driver.execute_script("return typeof window.__xss") == "undefined", "xss in search results runs nothing")

        # Sign in as bob: apps/ visible, private/ not, also not in search.
        driver.get(base + "/-/login")
        shot("11-login")
        driver.find_element(By.ID, "user").send_keys("bob")
        driver.find_element(By.ID, "password").send_keys("wrong")
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        # The answer comes after a bcrypt check (slow under the sanitizers): wait for the page.
        check(shows("Wrong user name or password"), "a wrong password is refused")
        driver.find_element(By.ID, "user").send_keys("bob")
        driver.find_element(By.ID, "password").send_keys("bobpw")
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".who")))
        check("mychart" in text() and "secret" not in text(), "bob sees apps/ but not private/")
        driver.get(base + "/?q=secret")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#results a[href='/private/secret']")) == 0
              and "0 charts" in driver.find_element(By.ID, "results").text, "private chart absent from bob's search")
        driver.get(base + "/private/secret")
        check("Not found" in text(), "bob cannot open the private chart")
        cookie = driver.get_cookie("ch_session")
        check(cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict",
              "session cookie is HttpOnly and SameSite=Strict")
        driver.get(base + "/charts/grafana?tab=versions")
        check(len(driver.find_elements(By.CSS_SELECTOR, "button.danger")) == 0, "bob has no delete buttons")
        driver.find_element(By.CSS_SELECTOR, "nav.account button").click()
        wait.until(EC.presence_of_element_located((By.LINK_TEXT, "Sign in")))
        check(driver.get_cookie("ch_session") is None, "sign-out drops the session")

        # alice: sees private/, may delete a version (CSRF-protected form).
        driver.get(base + "/-/login")
        driver.find_element(By.ID, "user").send_keys("alice")
        driver.find_element(By.ID, "password").send_keys("alicepw")
        driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".who")))
        check("secret" in text(), "alice sees private/")
        driver.get(base + "/charts/grafana?tab=versions")
        shot("12-versions-admin")
        buttons = driver.find_elements(By.CSS_SELECTOR, "table.versions button.danger")
        check(len(buttons) == 2, "alice has delete buttons")
        driver.execute_script("window.confirm = function () { return true; }")
        buttons[0].click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.versions tbody tr")) == 1)
        check(len(driver.find_elements(By.CSS_SELECTOR, "table.versions tbody tr")) == 1, "the version is deleted")
        # A forged delete (no CSRF token) from the same browser is refused.
        status = driver.execute_script(
            "var x = new XMLHttpRequest(); x.open('POST', '/-/delete', false);"
            "x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');"
            "x.send('repo=charts/grafana&digest=sha256:' + '0'.repeat(64)); return x.status;")
        check(status == 403, "a delete without the CSRF token is refused (403)")

        # Non-chart artifacts: an image pushed with skopeo-less raw API calls is listed, not as a chart.
        cfg = b"{}"
        import hashlib, json as js
        def upload(data):
            d = "sha256:" + hashlib.sha256(data).hexdigest()
            req = urllib.request.Request(base + "/v2/images/tool/blobs/uploads/?digest=" + d, data=data, method="POST")
            req.add_header("Authorization", "Basic " + __import__("base64").b64encode(b"alice:alicepw").decode())
            urllib.request.urlopen(req).read()
            return d, len(data)
        cd, cs = upload(cfg)
        ld, ls = upload(b"layer-bytes")
        manifest = js.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                             "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                             "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": ls}]}).encode()
        req = urllib.request.Request(base + "/v2/images/tool/manifests/v1", data=manifest, method="PUT")
        req.add_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        req.add_header("Authorization", "Basic " + __import__("base64").b64encode(b"alice:alicepw").decode())
        urllib.request.urlopen(req).read()
        driver.get(base + "/")
        check("images/tool" in driver.find_element(By.CSS_SELECTOR, "section.others").text, "image repository listed apart")
        driver.find_element(By.LINK_TEXT, "images/tool").click()
        shot("13-artifacts")
        check("application/vnd.oci.image.manifest.v1+json" in text(), "image manifest media type shown")
    except Exception:
        traceback.print_exc()
        failures.append("exception")
    finally:
        if driver:
            driver.quit()
        if server:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

// xlwings Lite's path without Excel: Pyodide under Node installs requirements.txt with micropip from
// local wheels only (any index lookup goes to a closed local port and fails), runs main.py, and
// calls the registered custom functions through xlwings's own Office.js call path.
// node lite.mjs PYODIDE_DIR WHEEL_DIR requirements.txt main.py CALLS_JSON
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelDir, requirements, mainPy, calls] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const printed = [];  // Pyodide reports a package it failed to load here, without raising
const py = await loadPyodide({ stdout: (s) => printed.push(s), stderr: (s) => printed.push(s) });
const site = py.runPython("import site; site.getsitepackages()[0]");
py.FS.mkdirTree("/wheels");
for (const name of readdirSync(wheelDir)) {
  const bytes = new Uint8Array(readFileSync(join(wheelDir, name)));
  if (name.startsWith("micropip-")) py.unpackArchive(bytes, "zip", { extractDir: site });
  else py.FS.writeFile(`/wheels/${name}`, bytes);
}
py.FS.writeFile("/home/pyodide/requirements.txt", readFileSync(requirements, "utf8"));
py.FS.writeFile("/home/pyodide/main.py", readFileSync(mainPy, "utf8"));
py.globals.set("CALLS", readFileSync(calls, "utf8"));
py.globals.set("PRINTED", printed);
console.log(await py.runPythonAsync(`
import json, os, sys
import micropip
NOWHERE = ["http://127.0.0.1:9/simple"]  # offline: a dependency missing from /wheels fails the install
local = {f.split("-")[0].lower().replace("_", "-"): f for f in os.listdir("/wheels")}
for line in open("/home/pyodide/requirements.txt").read().split("\\n"):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name = line.rsplit("/", 1)[-1].split("-")[0] if "/" in line else line.split("=")[0]
    name = name.lower().replace("_", "-")
    for dep in ("jpholiday",) if name == "kpi-xl" else ():  # what PyPI would serve Lite
        await micropip.install("emfs:/wheels/" + local[dep], index_urls=NOWHERE)
    await micropip.install("emfs:/wheels/" + local[name], index_urls=NOWHERE)
from importlib import metadata
from micropip._vendored.packaging.src.packaging.requirements import Requirement
def missing(dist):
    """Requirements of dist that apply here (markers evaluated in the browser) but are not installed."""
    out = []
    for text in metadata.requires(dist) or ():
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            try:
                metadata.version(req.name)
            except metadata.PackageNotFoundError:
                out.append(req.name)
    return out
os.environ.update(XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")  # as the Lite runtime runs
sys.path.insert(0, "/home/pyodide")
import main, xlwings
from xlwings.server import custom_functions_call, custom_functions_meta
async def call(name, args):
    data = {"func_name": name, "args": args, "version": xlwings.__version__, "client": "Office.js",
            "runtime": "1.4", "culture_info_name": "ja-JP", "date_format": "yyyy/mm/dd"}
    return await custom_functions_call(data, main)
results = [await call(c["name"], c["args"]) for c in json.loads(CALLS)]
json.dumps({"missing": missing("kpi-xl"), "failed_loads": [p for p in PRINTED.to_py() if "Failed" in p],
            "registered": sorted(f["name"] for f in custom_functions_meta(main)["functions"]),
            "results": results, "python": sys.version.split()[0], "platform": sys.platform,
            "heavy_modules": sorted(m for m in ("pandas", "numpy", "openpyxl", "pyarrow") if m in sys.modules)})
`));

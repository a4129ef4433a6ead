// Lists every .cc file under native/ for binding.gyp, so adding a kernel or a tracer core
// never means editing the build file (and parallel contributors never collide on it).
const fs = require('fs');
const path = require('path');
const root = __dirname;
const out = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.cc')) out.push(path.relative(path.join(root, '..'), p).split(path.sep).join('/'));
  }
})(root);
process.stdout.write(out.join(' '));

// `npm test`'s root specs (test/**/*.spec.ts), run as their compiled JavaScript (see test/built-specs.cjs). Not named
// .mocharc.*: the packages' own mocha runs would find it above their .mocharc.json; plain `npx mocha` in the root still
// runs the specs through ts-node (.mocharc.json).
const { builtSpecs } = require("./built-specs.cjs");

module.exports = {
    require: ["bin/test/setup.js"],
    spec: builtSpecs("test", ".spec.ts", { recursive: true }),
    reporter: "test/reporter.js",
    timeout: 30000,
    slow: 2000,
};

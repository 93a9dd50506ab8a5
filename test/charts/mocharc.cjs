// `npm run test:charts`: test/charts/*.charts.ts, run as their compiled JavaScript (see test/built-specs.cjs).
const { builtSpecs } = require("../built-specs.cjs");

module.exports = {
    spec: builtSpecs("test/charts", ".charts.ts"),
    reporter: "test/reporter.js",
    timeout: 120000,
    slow: 10000,
};

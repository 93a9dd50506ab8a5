// `npm run test:services`: test/services/*.services.ts, run as their compiled JavaScript (see test/built-specs.cjs).
const { builtSpecs } = require("../built-specs.cjs");

module.exports = {
    require: ["bin/test/services/setup.js"],
    spec: builtSpecs("test/services", ".services.ts"),
    reporter: "test/reporter.js",
    timeout: 120000,
    slow: 10000,
};

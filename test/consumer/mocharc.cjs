// `npm run test:consumer`: test/consumer/*.consumer.ts, run as their compiled JavaScript (see test/built-specs.cjs).
const { builtSpecs } = require("../built-specs.cjs");

module.exports = {
    spec: builtSpecs("test/consumer", ".consumer.ts"),
    reporter: "test/reporter.js",
    timeout: 600000,
    slow: 60000,
};

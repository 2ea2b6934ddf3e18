import { conformanceTest } from "../support/databank-conformance";

// databank's own reference driver: proves the conformance runner itself
// reports a passing suite as passing (and gives a baseline for our drivers).
conformanceTest("memory", () => ({}));

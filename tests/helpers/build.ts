// Builds the standalone server unless an up-to-date build is there (the integration tests may
// have built it already): `node --import tsx tests/helpers/build.ts`, before `npm start`.
import { ensureBuilt } from "./standalone";

ensureBuilt();

/** Tests spawn the CLI from the sources through this file. */
import "../../src/cli/dev.js";

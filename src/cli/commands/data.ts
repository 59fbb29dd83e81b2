// Data commands: export, backup, restore and forget live in ./data-export.ts and ./data-safety.ts and
// are re-exported here for the command group. The imports are in ./import/.
export { exportData } from "./data-export.js";
export { backup, restore, forget } from "./data-safety.js";

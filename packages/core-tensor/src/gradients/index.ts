// Public surface of this folder; re-exported by src/index.ts. Loading it registers every gradient in
// register-all-gradients.ts.
import { registerAllGradients } from './register-all-gradients.js';

export { philoxDropoutGradConfig } from './PhiloxDropout_grad.js';

registerAllGradients();

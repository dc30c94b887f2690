import { backends } from './backends.js';
import { storeConformance } from './conformance.js';

for (const backend of backends) storeConformance(backend);

export {
  activeExceptions,
  computePolicy,
  type Policy,
  type PolicyOptions,
  type RegionPolicy,
} from "./compute.js";
export { type AddressState, diffPolicy, type PolicyChange } from "./diff.js";
export { type PullToken, PullTokens } from "./pull-tokens.js";
export {
  RENDERERS,
  type RenderedFile,
  type Renderer,
  type Rendering,
  rendererFor,
  renderPolicy,
} from "./render/index.js";

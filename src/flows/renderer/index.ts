/** The WhatsApp client's Flow logic (bindings, visibility, validation, limits, answer checks, the open-Flow state), shared by the simulator page, the terminal chat and the tests. */
export { evaluateCondition, evaluateExpression, readBinding, resolveValue, toText, FlowExpressionError, type BindingScope } from './expression';
export {
  findScreen,
  initialFormValues,
  parseFlowDocument,
  readOptions,
  renderScreen,
  INPUT_TYPES,
  type FlowAction,
  type FlowDocument,
  type FlowScreenJson,
  type RenderedComponent,
  type ScreenModel,
} from './render-screen';
export { checkScreenData, checkScreenLimits, type PayloadSchemaError } from './check-answer';
export { isSelectableDate, toIsoDate, validateForm } from './validate-form';
export {
  acceptAnswer,
  currentScreen,
  goBack,
  openFlowRun,
  runAction,
  scopeOf,
  setFormValues,
  tapFooter,
  GENERIC_FLOW_ERROR,
  type FlowEndpointRequest,
  type FlowRunClosed,
  type FlowRunScreen,
  type FlowRunState,
  type FlowTransport,
  type TransportResult,
} from './flow-run';
export { createEndpointTransport, type EndpointTransportOptions } from './endpoint-transport';

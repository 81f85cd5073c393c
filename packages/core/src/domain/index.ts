export {
  API_CHECK_PROBES,
  type ApiCheckContext,
  type ApiCheckExchange,
  type ApiCheckFinding,
  type ApiCheckObservation,
  type ApiCheckProbe,
  type ApiCheckProbeName,
  type ApiCheckReport,
  type ApiCheckRequest,
  analyzeApiCheck,
  isSetupProblem,
  UNKNOWN_ORDER_ID,
  verdictOf,
  WRONG_API_KEY,
} from './api-check.js';
export { API_CHECK_HEADLINE, renderApiCheckJson, renderApiCheckText, summarizeApiCheck } from './api-check-report.js';
export { API_KEY_MAX_LENGTH, API_KEY_MIN_LENGTH, API_KEY_SHAPE, apiKeyProblem } from './api-key.js';
export {
  type ContractDifference,
  type ContractDifferenceKind,
  compareWithContract,
  describeShape,
} from './contract-check.js';
export {
  AbortedError,
  AuthenticationError,
  ConnectionError,
  type ErrorCode,
  errorFromHttp,
  errorFromRefusal,
  type HttpErrorContext,
  InsufficientFundsError,
  InvalidRequestError,
  InvalidResponseError,
  isResellerError,
  NotFoundError,
  type OrderField,
  RateLimitedError,
  type RefusalContext,
  ResellerError,
  ServerError,
  TimeoutError,
  UnknownOutcomeError,
  unknownOutcomeMessage,
} from './errors.js';
export {
  classifyOrderAttempt,
  isNotSentCode,
  NOT_SENT_CODES,
  type OrderAttempt,
  type OrderAttemptContext,
  type OrderOutcome,
} from './order-outcome.js';
export { formatUsd, priceOf, quoteOrder, roundMoney } from './quote.js';
export { MIN_SECRET_LENGTH, REDACTED, redact, redactUrl } from './redact.js';
export { parseBalance, parseOrderStatus, parseRegisterOrderResult, parseServices } from './responses.js';
export { listCategories, paginate, searchServices } from './search.js';
export {
  centsOf,
  checkOrder,
  checkOrderLimits,
  checkPriceAgainstQuote,
  checkSpendingLimits,
  countedCents,
  formatCents,
  isServiceAllowed,
  LEDGER_STATUSES,
  LedgerDataError,
  type LedgerRow,
  type LedgerStatus,
  ledgerHorizon,
  mayExist,
  type OrderCheck,
  type OrderTerms,
  parseLedgerRow,
  type Refusal,
  type RefusalKind,
  type SpendingPolicy,
  type SpendingSnapshot,
  snapshotOf,
  usdToCents,
  utcDayOf,
} from './spending.js';
export { isFinalState, normalizeOrderStatus, normalizeStatusText } from './status.js';
export {
  type Balance,
  type CategoryCount,
  DEFAULT_BASE_URL,
  type NormalizedOrderStatus,
  type OperationName,
  type OrderRequest,
  type OrderState,
  type OrderStatus,
  type Page,
  type ProblemDetails,
  type Quote,
  type RegisteredOrder,
  type RegisterOrderResult,
  type SearchServicesOptions,
  type Service,
} from './types.js';
export { assertOrderAllowed, findService, MAX_LINK_LENGTH, validateOrderId, validateOrderInput } from './validate.js';

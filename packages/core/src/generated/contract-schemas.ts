// GENERATED FILE, do not edit: the response schemas of openapi/reseller.openapi.yaml as data, written by
// packages/core/scripts/generate-contract-schemas.mjs (`pnpm generate`; `pnpm generate:check` fails when stale).
// Only the keywords domain/contract-check.ts validates are kept; `$ref` holds a name of CONTRACT_SCHEMAS.

/** A JSON Schema (2020-12, as OpenAPI 3.1 writes it), reduced to the keywords the contract uses. */
export interface ContractSchema {
  readonly $ref?: ContractSchemaName;
  readonly type?: string | readonly string[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, ContractSchema>>;
  readonly items?: ContractSchema;
  readonly additionalProperties?: boolean | ContractSchema;
  readonly minimum?: number;
  readonly format?: string;
}

export type ContractSchemaName = 'Balance' | 'Service' | 'OrderStatus' | 'RegisterOrderResult' | 'ProblemDetails';

export type ContractOperationName = 'OrderStatus' | 'RegisterOrder' | 'ServicesList' | 'Balance';

/** components.schemas of the contract. */
export const CONTRACT_SCHEMAS: Readonly<Record<ContractSchemaName, ContractSchema>> = {
  "Balance": {
    "type": "object",
    "required": [
      "balance",
      "currency"
    ],
    "properties": {
      "balance": {
        "type": "number"
      },
      "currency": {
        "type": "string"
      }
    }
  },
  "Service": {
    "type": "object",
    "required": [
      "service",
      "category",
      "name",
      "min",
      "max"
    ],
    "properties": {
      "service": {
        "type": "integer",
        "format": "int64"
      },
      "category": {
        "type": "string"
      },
      "name": {
        "type": "string"
      },
      "rate": {
        "type": "number",
        "minimum": 0
      },
      "min": {
        "type": "integer",
        "minimum": 0
      },
      "max": {
        "type": "integer",
        "minimum": 0
      },
      "desc": {
        "type": [
          "string",
          "null"
        ]
      }
    }
  },
  "OrderStatus": {
    "type": "object",
    "required": [
      "status",
      "charge",
      "walletReturn",
      "mode",
      "success",
      "failed",
      "observation",
      "currency"
    ],
    "properties": {
      "status": {
        "type": "string"
      },
      "charge": {
        "type": "number"
      },
      "walletReturn": {
        "type": "number"
      },
      "mode": {
        "type": [
          "string",
          "null"
        ]
      },
      "success": {
        "type": "integer"
      },
      "failed": {
        "type": "integer"
      },
      "observation": {
        "type": [
          "string",
          "null"
        ]
      },
      "currency": {
        "type": "string"
      }
    }
  },
  "RegisterOrderResult": {
    "type": "object",
    "required": [
      "success"
    ],
    "properties": {
      "success": {
        "type": "boolean"
      },
      "orderId": {
        "type": [
          "integer",
          "null"
        ],
        "format": "int64"
      },
      "insufficientFunds": {
        "type": "boolean"
      },
      "error": {
        "type": [
          "string",
          "null"
        ]
      }
    }
  },
  "ProblemDetails": {
    "type": "object",
    "properties": {
      "type": {
        "type": "string"
      },
      "title": {
        "type": "string"
      },
      "status": {
        "type": "integer"
      },
      "detail": {
        "type": "string"
      },
      "instance": {
        "type": "string"
      },
      "traceId": {
        "type": "string"
      },
      "errors": {
        "type": "object",
        "additionalProperties": {
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      }
    }
  }
};

/** For each operation: each status the contract lists -> media type -> schema of the body ({} when it has none). */
export const CONTRACT_RESPONSES: Readonly<
  Record<ContractOperationName, Readonly<Record<string, Readonly<Record<string, ContractSchema>>>>>
> = {
  "OrderStatus": {
    "200": {
      "application/json": {
        "$ref": "OrderStatus"
      }
    },
    "400": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "401": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "404": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "429": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "500": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "502": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "503": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "504": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    }
  },
  "RegisterOrder": {
    "200": {
      "application/json": {
        "$ref": "RegisterOrderResult"
      }
    },
    "400": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "401": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "429": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "500": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "502": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "503": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "504": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    }
  },
  "ServicesList": {
    "200": {
      "application/json": {
        "type": "array",
        "items": {
          "$ref": "Service"
        }
      }
    },
    "401": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "429": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "500": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "502": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "503": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "504": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    }
  },
  "Balance": {
    "200": {
      "application/json": {
        "$ref": "Balance"
      }
    },
    "401": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "429": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "500": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "502": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "503": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    },
    "504": {
      "application/problem+json": {
        "$ref": "ProblemDetails"
      }
    }
  }
};

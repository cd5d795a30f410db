import { createContext } from "react";

/** The Content-Security-Policy nonce of this response's inline scripts (empty in the browser). */
export const NonceContext = createContext("");

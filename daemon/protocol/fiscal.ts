/** Fiscal (TSE, KassenSichV) wire types: the admin's view of the TSE and its outages. */

/** A period in which the TSE did not answer (sales went on unsigned, marked as such). */
export interface TseOutage {
  start: string;
  /** null while it lasts. */
  end: string | null;
  /** Stable code of the first failure (tse_timeout, tse_error, not_configured). */
  reason: string;
  /** Transactions left unsigned in it. */
  unsigned: number;
}

/** GET /api/v1/admin/fiscal: the TSE's state and what the owner registers with the tax office. */
export interface FiscalInfo {
  /** fake | fiskaly | off | unset (production without a choice). */
  provider: string;
  /** TSE state as the provider reports it (INITIALIZED, …), or `off` / `not_configured` / `unreachable`. */
  state: string;
  /** Whether a signing failed last (an outage is open). */
  in_outage: boolean;
  tse: {
    serial_number: string | null;
    public_key: string | null;
    signature_algorithm: string | null;
    time_format: string | null;
    bsi_certificate_id: string | null;
    signature_counter: number | null;
  };
  registration: {
    till_serial: string;
    till_brand: string;
    till_model: string;
    software_name: string;
    software_version: string;
    in_service_since: string;
  };
  outages: TseOutage[];
  /** fiskaly: the TSS id and client id in use. */
  tss_id: string | null;
  client_id: string | null;
  /** Why the TSE could not be read, in English, for the admin log. */
  message: string | null;
}

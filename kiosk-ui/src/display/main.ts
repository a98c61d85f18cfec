// The customer display (/display/:terminal_id): a second screen facing the customer.
import './pos-display.js';

// The admin screens (/admin).
import './admin-app.js';

// The package's public names and the figures the e2e tests depend on, taken from the source (package.json,
// the node and credential descriptions, the node code) so that no test keeps its own copy.
import { name as PACKAGE } from '../../../package.json';
import { KieApi } from '../../../credentials/KieApi.credentials';
import { Kie } from '../../../nodes/Kie/Kie.node';
import { KieTrigger } from '../../../nodes/Kie/KieTrigger.node';
import { BACKSTOP_MS } from '../../../nodes/Kie/helpers/callbackMode';
import { MODELS } from '../../../nodes/Kie/kie/models';

export { PACKAGE, BACKSTOP_MS };

/** The type names n8n registers a community package's nodes under: `<package name>.<node name>`. */
export const KIE_TYPE = `${PACKAGE}.${new Kie().description.name}`;
export const TRIGGER_TYPE = `${PACKAGE}.${new KieTrigger().description.name}`;
export const CREDENTIAL_TYPE = new KieApi().name;

/** The API key every test simulator accepts (and the tests' own calls to it use). */
export const SIM_API_KEY = 'sim-key';

/** Runway's create and status calls, as the simulator counts them (`<METHOD> <path>`). */
export const RUNWAY_CREATE_PATH = MODELS.runway.createPath;
export const RUNWAY_STATUS_PATH = MODELS.runway.statusPath;
export const RUNWAY_CREATE = `POST ${RUNWAY_CREATE_PATH}`;
export const RUNWAY_STATUS = `GET ${RUNWAY_STATUS_PATH}`;

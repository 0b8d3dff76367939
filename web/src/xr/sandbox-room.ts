import {
  AmbientLight,
  Box3,
  BoxGeometry,
  Color,
  DirectionalLight,
  GridHelper,
  Group,
  HemisphereLight,
  Mesh,
  MeshLambertMaterial,
  PlaneGeometry,
  Scene,
  Vector3,
} from 'three';

// The server's sandbox: a table top at y = 0.9 m spanning x in [-0.6, 0.6]
// and z in [-0.9, -0.3]; bodies rest on it.
export const TABLE_TOP_Y = 0.9;
export const TABLE_MIN_X = -0.6;
export const TABLE_MAX_X = 0.6;
export const TABLE_MIN_Z = -0.9;
export const TABLE_MAX_Z = -0.3;
export const TABLE_CENTRE = { x: 0, y: TABLE_TOP_Y, z: (TABLE_MIN_Z + TABLE_MAX_Z) / 2 } as const;

/** The table's volume, for what must not pass through it (a teleport). */
export function tableBox(): Box3 {
  return new Box3().set(
    new Vector3(TABLE_MIN_X, 0, TABLE_MIN_Z),
    new Vector3(TABLE_MAX_X, TABLE_TOP_Y, TABLE_MAX_Z),
  );
}

// Light, unsaturated room colours, so that the strongly coloured bodies stand
// out (end-to-end tests find bodies by pixel colour).
const BACKGROUND = 0xf1f4f8;
const FLOOR = 0xd8dce1;
const TABLE = 0xbfb8ae;
const TABLE_LEGS = 0x8d9299;

const TABLE_THICKNESS = 0.04;
const LEG_SIZE = 0.04;

/** The static room: background, lights, floor and table. */
export function createSandboxRoom(): Scene {
  const scene = new Scene();
  scene.background = new Color(BACKGROUND);
  scene.add(new HemisphereLight(0xffffff, 0x9aa0a8, 1.6));
  scene.add(new AmbientLight(0xffffff, 0.6));
  const sun = new DirectionalLight(0xffffff, 1.4);
  sun.position.set(0.8, 3, 1.5);
  scene.add(sun);
  scene.add(createFloor());
  scene.add(createTable());
  return scene;
}

/**
 * Passthrough (immersive-ar): the real room shows instead of the drawn
 * background and floor; the table and bodies stay, placed in the real room.
 */
export function setPassthrough(scene: Scene, on: boolean): void {
  scene.background = on ? null : new Color(BACKGROUND);
  const floor = scene.getObjectByName('floor');
  if (floor !== undefined) floor.visible = !on;
}

function createFloor(): Group {
  const floor = new Group();
  floor.name = 'floor';
  const plane = new Mesh(new PlaneGeometry(8, 8), new MeshLambertMaterial({ color: FLOOR }));
  plane.rotation.x = -Math.PI / 2;
  floor.add(plane);
  const grid = new GridHelper(8, 16, 0xa9afb7, 0xc3c8ce);
  grid.position.y = 0.003; // above the floor plane, so the lines do not z-fight with it
  floor.add(grid);
  return floor;
}

function createTable(): Group {
  const table = new Group();
  const width = TABLE_MAX_X - TABLE_MIN_X;
  const depth = TABLE_MAX_Z - TABLE_MIN_Z;
  const top = new Mesh(new BoxGeometry(width, TABLE_THICKNESS, depth), new MeshLambertMaterial({ color: TABLE }));
  top.position.set(TABLE_CENTRE.x, TABLE_TOP_Y - TABLE_THICKNESS / 2, TABLE_CENTRE.z);
  table.add(top);
  const legHeight = TABLE_TOP_Y - TABLE_THICKNESS;
  const legGeometry = new BoxGeometry(LEG_SIZE, legHeight, LEG_SIZE);
  const legMaterial = new MeshLambertMaterial({ color: TABLE_LEGS });
  const inset = LEG_SIZE;
  for (const x of [TABLE_MIN_X + inset, TABLE_MAX_X - inset]) {
    for (const z of [TABLE_MIN_Z + inset, TABLE_MAX_Z - inset]) {
      const leg = new Mesh(legGeometry, legMaterial);
      leg.position.set(x, legHeight / 2, z);
      table.add(leg);
    }
  }
  return table;
}

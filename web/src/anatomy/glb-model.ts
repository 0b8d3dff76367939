import { Box3, Group, Mesh, Vector3, type Material, type Object3D } from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';

/**
 * An anatomy model from a glTF binary (.glb): its structures are its
 * meshes, named as the exporter named them (atlas labels, segment names).
 * The model is re-centred under one group so it can be grabbed, turned
 * and scaled about its middle.
 */
export interface AnatomyModel {
  root: Group;
  /** Structure meshes, for picking. */
  structures: Mesh[];
  /** Size of the model's bounding box, metres. */
  size: Vector3;
  /** Where the box's centre was in the file's frame: the model is moved by minus this. */
  centre: Vector3;
}

/** Loads a .glb from a URL (the server's imaging routes, or any same-origin file). */
export async function loadAnatomyModel(url: string): Promise<AnatomyModel> {
  const gltf = await new GLTFLoader().loadAsync(url);
  return wrapModel(gltf.scene);
}

/** Parses a .glb already in memory (tests, drag and drop). */
export async function parseAnatomyModel(glb: ArrayBuffer): Promise<AnatomyModel> {
  const gltf = await new GLTFLoader().parseAsync(glb, '');
  return wrapModel(gltf.scene);
}

function wrapModel(scene: Object3D): AnatomyModel {
  const root = new Group();
  root.name = 'anatomy-model';
  const box = new Box3().setFromObject(scene);
  const centre = box.getCenter(new Vector3());
  scene.position.sub(centre);
  root.add(scene);
  const structures: Mesh[] = [];
  scene.traverse((o) => {
    if (o instanceof Mesh) structures.push(o);
  });
  return { root, structures, size: box.getSize(new Vector3()), centre };
}

/** The structure's name for its label: the mesh's, else the nearest named parent's. */
export function structureName(mesh: Object3D): string {
  for (let o: Object3D | null = mesh; o !== null; o = o.parent) {
    if (o.name !== '' && o.name !== 'anatomy-model') return o.name.replace(/_/g, ' ');
  }
  return 'unnamed structure';
}

export function disposeAnatomyModel(model: AnatomyModel): void {
  model.root.removeFromParent();
  for (const mesh of model.structures) {
    mesh.geometry.dispose();
    const materials: Material[] = Array.isArray(mesh.material) ? mesh.material : [mesh.material];
    for (const m of materials) m.dispose();
  }
}
